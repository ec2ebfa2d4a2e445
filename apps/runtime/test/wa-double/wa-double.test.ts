// The real whatsapp-web.js + puppeteer + Chromium, offline, against the WhatsApp Web double:
// linking, messages both ways, media, session restore, and the ways a session ends.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wwebjs from 'whatsapp-web.js';
import type { Message } from 'whatsapp-web.js';
import { ACK, createDoubleClient, type DoubleClient } from './wa-double.ts';

const { Location, MessageMedia, Poll } = wwebjs;

const CONTACT = '15551230001@c.us';
// A 1×1 transparent PNG.
const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && 'id' in value && 'fromMe' in value;
}

function messageArg(args: unknown[]): Message {
  const [first] = args;
  if (!isMessage(first)) throw new Error('event carried no Message');
  return first;
}

describe('a linked number on the double', () => {
  let wa: DoubleClient;

  beforeAll(async () => {
    wa = await createDoubleClient();
    await wa.client.initialize();
  });

  afterAll(async () => {
    await wa?.close();
  });

  it('shows a QR code, then authenticates and gets ready once the phone scans it', async () => {
    const [qr] = await wa.events.waitFor('qr');
    expect(qr).toMatch(/^2@[^,]+,[^,]+,[^,]+,[^,]+,WEB$/);
    expect(wa.events.count('authenticated')).toBe(0);

    await wa.double.pair({ me: '15550000001@c.us', pushname: 'Waflow Bot' });
    await wa.events.waitFor('authenticated');
    await wa.events.waitFor('ready');
    expect(wa.client.info.wid._serialized).toBe('15550000001@c.us');
    expect(await wa.client.getState()).toBe('CONNECTED');
  });

  it('emits message for an inbound text, with the sender and push name', async () => {
    const id = await wa.double.deliverInbound({ from: CONTACT, body: 'hi', pushname: 'Ana' });
    const msg = messageArg(await wa.events.waitFor('message'));
    expect(msg.id._serialized).toBe(id);
    expect(msg.body).toBe('hi');
    expect(msg.from).toBe(CONTACT);
    expect(msg.fromMe).toBe(false);
    expect(msg.type).toBe('chat');
    const contact = await msg.getContact();
    expect(contact.pushname).toBe('Ana');
    expect(contact.number).toBe('15551230001');
  });

  it('records a text, a reply, a location, a poll and an image the library sends', async () => {
    const before = (await wa.double.sent()).length;
    const inbound = messageArg(wa.events.all('message')[0] ?? []);

    const text = await wa.client.sendMessage(CONTACT, 'Welcome! Pick one:\n1. Sales\n2. Support');
    const reply = await inbound.reply('You said hi');
    await wa.client.sendMessage(
      CONTACT,
      new Location(38.7223, -9.1393, { name: 'Office', address: 'Lisbon' }),
    );
    await wa.client.sendMessage(CONTACT, new Poll('Which one?', ['Sales', 'Support']));
    const image = new MessageMedia('image/png', PNG_B64, 'dot.png');
    const sentImage = await wa.client.sendMessage(CONTACT, image, { caption: 'a dot' });

    const sent = (await wa.double.sent()).slice(before);
    expect(sent.map((m) => m.type)).toEqual(['chat', 'chat', 'location', 'poll_creation', 'image']);
    expect(sent.every((m) => m.to === CONTACT)).toBe(true);
    expect(sent[0]).toMatchObject({
      id: text.id._serialized,
      body: 'Welcome! Pick one:\n1. Sales\n2. Support',
    });
    expect(sent[1]).toMatchObject({
      id: reply.id._serialized,
      body: 'You said hi',
      quotedMsgId: inbound.id._serialized,
    });
    expect(sent[2]?.location).toEqual({
      latitude: 38.7223,
      longitude: -9.1393,
      description: 'Office\nLisbon',
    });
    expect(sent[3]?.poll).toEqual({
      name: 'Which one?',
      options: ['Sales', 'Support'],
      allowMultipleAnswers: false,
    });
    expect(sent[4]).toMatchObject({
      caption: 'a dot',
      media: { mimetype: 'image/png', filename: 'dot.png', data: PNG_B64 },
    });
    expect(sentImage.hasMedia).toBe(true);
  });

  it('marks the chat seen and shows typing when asked', async () => {
    const chat = await wa.client.getChatById(CONTACT);
    await chat.sendSeen();
    await chat.sendStateTyping();
    await chat.clearState();
    const activity = await wa.double.activity();
    expect(activity).toEqual(
      expect.arrayContaining([
        { kind: 'seen', chatId: CONTACT },
        { kind: 'typing', chatId: CONTACT },
        { kind: 'paused', chatId: CONTACT },
      ]),
    );
  });

  it('reports acks the contact phone sends back', async () => {
    const sent = await wa.client.sendMessage(CONTACT, 'ack me');
    await wa.double.ack(sent.id._serialized, ACK.READ);
    const hits = (): unknown[][] =>
      wa.events
        .all('message_ack')
        .filter(
          ([m, level]) =>
            isMessage(m) && m.id._serialized === sent.id._serialized && level === ACK.READ,
        );
    await expect.poll(() => hits().length, { timeout: 10_000 }).toBe(1);
  });

  it('downloads the bytes of an inbound image', async () => {
    const count = wa.events.count('message');
    await wa.double.deliverInbound({
      from: CONTACT,
      type: 'image',
      body: 'my receipt',
      media: { mimetype: 'image/png', data: PNG_B64, filename: 'receipt.png' },
    });
    const msg = messageArg(await wa.events.waitFor('message', count + 1));
    expect(msg.hasMedia).toBe(true);
    expect(msg.type).toBe('image');
    expect(msg.body).toBe('my receipt');
    const media = await msg.downloadMedia();
    expect(media.mimetype).toBe('image/png');
    expect(media.data).toBe(PNG_B64);
  });

  it('delivers an inbound location with its coordinates', async () => {
    const count = wa.events.count('message');
    await wa.double.deliverInbound({
      from: CONTACT,
      type: 'location',
      location: { latitude: 40.4168, longitude: -3.7038, name: 'Sol' },
    });
    const msg = messageArg(await wa.events.waitFor('message', count + 1));
    expect(msg.type).toBe('location');
    expect(msg.location.latitude).toBe(40.4168);
    expect(msg.location.longitude).toBe(-3.7038);
    expect(msg.location.name).toBe('Sol');
  });

  it('emits message_create with fromMe for a message a person sent from the phone', async () => {
    const count = wa.events.count('message');
    const id = await wa.double.sendFromPhone({ to: CONTACT, body: 'a human here' });
    await expect
      .poll(
        () =>
          wa.events.all('message_create').some(([m]) => isMessage(m) && m.id._serialized === id),
        { timeout: 10_000 },
      )
      .toBe(true);
    const created = wa.events
      .all('message_create')
      .map(messageArg)
      .find((m) => m.id._serialized === id);
    expect(created?.fromMe).toBe(true);
    expect(created?.body).toBe('a human here');
    expect(wa.events.count('message')).toBe(count);
    expect((await wa.double.sent()).some((m) => m.id === id)).toBe(false);
  });

  it('emits authenticated and ready again on a resync, once per hasSynced change (handlers must be idempotent)', async () => {
    const ready = wa.events.count('ready');
    const authenticated = wa.events.count('authenticated');
    // The resync flips hasSynced to false and back; the library reacts to both changes.
    await wa.double.resync();
    await wa.events.waitFor('ready', ready + 2);
    await wa.events.waitFor('authenticated', authenticated + 2);
  });

  it('raised no error inside the page', async () => {
    expect(await wa.double.errors()).toEqual([]);
  });
});

describe('restoring a session', () => {
  let dataDir: string;
  const open: DoubleClient[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wa-double-restore-'));
  });

  afterAll(async () => {
    for (const wa of open) await wa.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('gets ready without a qr when started again with the same LocalAuth profile', async () => {
    const first = await createDoubleClient({ dataDir, clientId: 'n1' });
    open.push(first);
    await first.client.initialize();
    await first.events.waitFor('qr');
    await first.double.refreshQr();
    await first.events.waitFor('qr', 2);
    await first.double.pair({ me: '15550000002@c.us' });
    await first.events.waitFor('ready');
    await first.client.sendMessage(CONTACT, 'before the restart');
    await first.close({ keepData: true });

    const second = await createDoubleClient({ dataDir, clientId: 'n1' });
    open.push(second);
    await second.client.initialize();
    await second.events.waitFor('ready');
    expect(second.events.count('qr')).toBe(0);
    expect(second.client.info.wid._serialized).toBe('15550000002@c.us');
    // What the first run sent is still on record for this profile.
    expect((await second.double.sent()).map((m) => m.body)).toEqual(['before the restart']);
  });
});

describe('ways a session ends', () => {
  const open: DoubleClient[] = [];

  afterAll(async () => {
    for (const wa of open) await wa.close();
  });

  async function readyClient(): Promise<DoubleClient> {
    const wa = await createDoubleClient();
    open.push(wa);
    await wa.client.initialize();
    await wa.events.waitFor('qr');
    await wa.double.pair();
    await wa.events.waitFor('ready');
    return wa;
  }

  it('reports disconnected(CONFLICT) when WhatsApp is opened elsewhere', async () => {
    const wa = await readyClient();
    await wa.double.setSocketState('CONFLICT');
    const [reason] = await wa.events.waitFor('disconnected');
    expect(reason).toBe('CONFLICT');
    expect(wa.events.all('change_state').map(([s]) => s)).toContain('CONFLICT');
  });

  it('reports disconnected(UNPAIRED) when the socket says the device is no longer paired', async () => {
    const wa = await readyClient();
    await wa.double.setSocketState('UNPAIRED');
    const [reason] = await wa.events.waitFor('disconnected');
    expect(reason).toBe('UNPAIRED');
  });

  it('reports disconnected(LOGOUT) and offers a new qr when the phone logs the device out', async () => {
    const wa = await readyClient();
    const qrs = wa.events.count('qr');
    await wa.double.logout();
    const [reason] = await wa.events.waitFor('disconnected');
    expect(reason).toBe('LOGOUT');
    await wa.events.waitFor('qr', qrs + 1);
    await wa.double.injected();
    expect((await wa.double.status()).paired).toBe(false);
  });
});
