// The double's contract with the pinned whatsapp-web.js: run every path the runtime uses and
// list each WhatsApp Web module (or module member) the library asked for that the double lacks.
// After a library upgrade this is the test that says exactly what to add to double-page.js.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wwebjs from 'whatsapp-web.js';
import type { Message } from 'whatsapp-web.js';
import { ACK, createDoubleClient, type DoubleClient } from './wa-double.ts';

const { Location, MessageMedia, Poll } = wwebjs;

const CONTACT = '15551230009@c.us';
const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && 'id' in value && 'downloadMedia' in value;
}

describe('the surface the pinned whatsapp-web.js needs from WhatsApp Web', () => {
  let wa: DoubleClient;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    wa = await createDoubleClient();
    await wa.client.initialize();
    wa.client.pupPage?.on('pageerror', (error) => pageErrors.push(String(error)));
  });

  afterAll(async () => {
    await wa?.close();
  });

  it('asks only for modules and members the double provides, on every path the runtime uses', async () => {
    const { client, double, events } = wa;

    // Linking.
    await events.waitFor('qr');
    await double.pair();
    await events.waitFor('ready');
    await client.getState();

    // Inbound: text, image (downloaded), location; contact and chat lookups.
    await double.deliverInbound({ from: CONTACT, body: 'hi', pushname: 'Surface' });
    await double.deliverInbound({
      from: CONTACT,
      type: 'image',
      media: { mimetype: 'image/png', data: PNG_B64 },
    });
    await double.deliverInbound({
      from: CONTACT,
      type: 'location',
      location: { latitude: 1, longitude: 2 },
    });
    const [text, image] = (
      await Promise.all([
        events.waitFor('message', 1),
        events.waitFor('message', 2),
        events.waitFor('message', 3),
      ])
    ).map(([m]) => (isMessage(m) ? m : undefined));
    await image?.downloadMedia();
    await text?.getContact();
    const chat = await text?.getChat();
    await chat?.sendSeen();
    await chat?.sendStateTyping();
    await chat?.clearState();
    await client.sendPresenceAvailable();

    // Outbound: text, reply, location, poll, image; an ack; a human on the phone; a resync.
    const sent = await client.sendMessage(CONTACT, 'hello');
    await text?.reply('a reply');
    await client.sendMessage(CONTACT, new Location(1, 2, { name: 'here' }));
    await client.sendMessage(CONTACT, new Poll('Q?', ['a', 'b']));
    await client.sendMessage(CONTACT, new MessageMedia('image/png', PNG_B64, 'dot.png'), {
      caption: 'c',
    });
    await client.getMessageById(sent.id._serialized);
    await double.ack(sent.id._serialized, ACK.DEVICE);
    await double.sendFromPhone({ to: CONTACT, body: 'human' });
    await double.resync();
    await events.waitFor('ready', 3);
    await double.surface();

    // The phone logs out: the page reloads and the library injects itself again.
    const qrs = events.count('qr');
    await double.logout();
    await events.waitFor('disconnected');
    await events.waitFor('qr', qrs + 1);
    await double.injected();
    await double.surface();

    expect(double.asked.size, 'the scenario reached the page').toBeGreaterThan(20);
    expect(
      [...double.missing],
      'modules or members the pinned library asked for that double-page.js lacks',
    ).toEqual([]);
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    expect(await double.errors(), 'errors thrown by the library inside the double').toEqual([]);
  });
});
