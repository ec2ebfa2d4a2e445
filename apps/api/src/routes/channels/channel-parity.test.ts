// One published flow, one contact script, every channel: the sandbox, the WhatsApp Cloud API
// (signed webhooks in, the Graph API double out), Twilio (signed form webhooks in, the Twilio
// double out) and WhatsApp Web (the real WhatsAppChannel — whatsapp-web.js, puppeteer, Chromium —
// on the WhatsApp Web double, linked by its phone) must leave the same transcript, the same
// variables and the same results row. The sandbox is the reference; a channel that disagrees fails
// with a diff against it. Only the rendering may differ, and that is asserted explicitly: the Cloud
// API sends the 3-option question as reply buttons (answered by a tap) and the 12-option one as
// numbered text (over Meta's 10 list rows), the others send numbered text for both (and the
// contact types the number).
//
// The handoff is in the script: the contact writes while a person has the conversation (the bot
// stays quiet, the message is in the transcript), the person releases it through the API, and the
// flow carries on to its end, so the results row is complete and the same everywhere.
// The flow and the script: channel-parity.fixture.ts; how each channel is driven:
// channel-parity-test-harness.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANA,
  ANA_WA_ID,
  SCRIPT,
  SIZES,
  parityFlow,
  startBakeryApi,
  type BakeryApi,
} from './channel-parity.fixture.ts';
import {
  CHANNELS,
  play,
  startParity,
  type ChannelName,
  type Driver,
  type Outcome,
  type Parity,
} from './channel-parity-test-harness.ts';

describe('one flow, the same conversation on every channel', () => {
  let bakery: BakeryApi;
  let p: Parity;
  let flowId = '';
  let drivers = new Map<ChannelName, Driver>();
  const outcomes = new Map<ChannelName, Outcome>();

  beforeAll(async () => {
    bakery = await startBakeryApi();
    p = await startParity();
  });
  afterAll(async () => {
    await p?.close();
    await bakery?.close();
  });

  it('publishes the flow after the API validated it', async () => {
    const { h } = p;
    const created = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows`, {
      token: h.admin,
      body: { name: 'Cake order', config: parityFlow(bakery.url) },
    });
    expect(created.status).toBe(201);
    flowId = created.body.id as string;
    const validated = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${flowId}/validate`, {
      token: h.admin,
    });
    expect(validated.body).toEqual({ ok: true, errors: [], warnings: [] });
    const published = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${flowId}/publish`, {
      token: h.admin,
      body: {},
    });
    expect(published.status).toBe(201);
  });

  it('binds a number of each channel to it (the WhatsApp Web one linked by the phone)', async () => {
    drivers = await p.bind(flowId);
    expect([...drivers.keys()]).toEqual([...CHANNELS]);
  });

  it.each(CHANNELS)('plays the contact script on %s', async (channel) => {
    const d = drivers.get(channel);
    if (!d) throw new Error(`no ${channel} number`);
    outcomes.set(channel, await play(p.h, channel, d));
  });

  it('gives the sandbox a complete conversation to compare against', () => {
    const ref = outcomes.get('sandbox');
    expect(ref?.conversations).toBe(1);
    expect(ref?.status).toBe('completed');
    expect(ref?.result.status).toBe('completed');
    expect(ref?.vars).toMatchObject({
      name: 'Ana',
      qty: 3,
      size: 'Medium',
      flavour: 'Pistachio',
      total: 60,
      ref: 'Q-M3-PIS',
      quoteStatus: 200,
    });
    expect(ref?.transcript.filter((l) => l.direction === 'out').map((l) => l.body)).toEqual([
      'Welcome to the Parity Bakery!',
      "What's your name?",
      'How many cakes, Ana? (1 to 20)',
      'Please answer with a whole number from 1 to 20, like 3.',
      expect.stringMatching(/^Which size, Ana\?\n\n1\. Small\n2\. Medium\n3\. Large\n/),
      'Size branch 2: Medium, 3 of them.',
      expect.stringMatching(/^Which flavour\?\n\n1\. Vanilla\n[^]*\n12\. Hazelnut\n/),
      'Flavour branch 11: Pistachio.',
      '3 Medium Pistachio cakes: 60 EUR (quote Q-M3-PIS).',
      'This is what a Pistachio cake looks like.',
      'A baker will confirm quote Q-M3-PIS with you here.',
      'Thanks Ana, your order is confirmed!',
    ]);
  });

  it.each(CHANNELS.filter((c) => c !== 'sandbox'))(
    '%s leaves the sandbox’s transcript, variables and results row',
    (channel) => {
      const ref = outcomes.get('sandbox');
      const got = outcomes.get(channel);
      if (!ref || !got) throw new Error(`no outcome for ${channel} or the sandbox`);
      // A tapped button is written as what the contact saw (its title), a typed answer as typed.
      let inbound = 0;
      const sent = SCRIPT.filter((s) => s.input.kind !== 'release');
      const expected = ref.transcript.map((line) => {
        if (line.direction !== 'in') return line;
        const input = sent[inbound++]?.input;
        return channel === 'cloud_api' && input?.kind === 'choice'
          ? { ...line, body: input.tap.title }
          : line;
      });
      expect(got.transcript, `${channel}'s transcript vs the sandbox's`).toEqual(expected);
      expect(got.vars, `${channel}'s variables vs the sandbox's`).toEqual(ref.vars);
      expect(got.result, `${channel}'s results row vs the sandbox's`).toEqual(ref.result);
      expect({ conversations: got.conversations, status: got.status }).toEqual({
        conversations: ref.conversations,
        status: ref.status,
      });
    },
  );

  it('called the HTTP API once per channel with the same order', () => {
    expect(bakery.quotes).toEqual(CHANNELS.map(() => '?size=Medium&flavour=Pistachio&qty=3'));
  });

  it('rendered the choices each channel’s way: reply buttons for 3 on the Cloud API, numbered text otherwise', async () => {
    const ref = outcomes.get('sandbox')?.transcript.filter((l) => l.direction === 'out') ?? [];
    const sizeText = ref.find((l) => l.body?.startsWith('Which size'))?.body;
    const flavourText = ref.find((l) => l.body?.startsWith('Which flavour'))?.body;
    if (!sizeText || !flavourText) throw new Error('the questions are not in the transcript');
    const imageUrl = `${bakery.url}/cake.png`;

    // Cloud API: three reply buttons (ids the options' numbers), the twelve as numbered text.
    const toAna = p.graph.sends.filter((s) => s.body.to === ANA.waId).map((s) => s.body);
    expect(toAna.find((b) => b.type === 'interactive')).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Which size, Ana?' },
        action: {
          buttons: SIZES.map((title, i) => ({
            type: 'reply',
            reply: { id: String(i + 1), title },
          })),
        },
      },
    });
    // Only the 3 options went as buttons: the 12 (over Meta's 10 list rows) are not a list.
    expect(toAna.filter((b) => b.type === 'interactive')).toHaveLength(1);
    expect(toAna).not.toContainEqual(
      expect.objectContaining({ text: { preview_url: false, body: sizeText } }),
    );
    expect(toAna).toContainEqual(
      expect.objectContaining({ type: 'text', text: { preview_url: false, body: flavourText } }),
    );
    expect(toAna).toContainEqual(
      expect.objectContaining({
        type: 'image',
        image: expect.objectContaining({ link: imageUrl }) as unknown,
      }),
    );

    // Sandbox and Twilio: both questions as the numbered text (Twilio never gets a ContentSid).
    const { sandbox, whatsappWeb } = p.bound;
    if (!sandbox || !whatsappWeb) throw new Error('the sandbox or WhatsApp Web is not bound');
    const sandboxTexts = sandbox.sent
      .filter((s) => s.message.to === ANA_WA_ID)
      .map((s) => (s.message.type === 'text' ? s.message.text : s.message.type));
    expect(sandboxTexts).toEqual(expect.arrayContaining([sizeText, flavourText]));
    expect(sandbox.sent.map((s) => s.message)).toContainEqual(
      expect.objectContaining({ type: 'media', mediaType: 'image', url: imageUrl }),
    );
    const twilioToAna = p.twilio.sends.filter((s) => s.params.To === `whatsapp:+${ANA.waId}`);
    expect(twilioToAna.map((s) => s.params.Body)).toEqual(
      expect.arrayContaining([sizeText, flavourText]),
    );
    expect(twilioToAna.every((s) => s.params.ContentSid === undefined)).toBe(true);
    expect(twilioToAna.filter((s) => s.params.MediaUrl)).toEqual([
      expect.objectContaining({
        params: expect.objectContaining({ MediaUrl: imageUrl }) as unknown,
      }),
    ]);

    // WhatsApp Web: both questions as chat messages of the numbered text (no polls, no buttons);
    // the photo fetched through the egress guard and sent as an image with its caption.
    const waToAna = (await whatsappWeb.double.sent()).filter((m) => m.to === ANA_WA_ID);
    expect(waToAna.filter((m) => m.type === 'chat').map((m) => m.body)).toEqual(
      expect.arrayContaining([sizeText, flavourText]),
    );
    expect(waToAna.every((m) => m.type === 'chat' || m.type === 'image')).toBe(true);
    expect(waToAna.filter((m) => m.type === 'image')).toEqual([
      expect.objectContaining({
        caption: 'This is what a Pistachio cake looks like.',
        media: expect.objectContaining({ mimetype: 'image/png' }) as unknown,
      }),
    ]);
  });
});
