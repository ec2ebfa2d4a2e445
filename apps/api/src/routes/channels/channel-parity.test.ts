// One published flow, one contact script, every channel: the sandbox, the WhatsApp Cloud API
// (signed webhooks in, the Graph API double out) and Twilio (signed form webhooks in, the Twilio
// double out) must leave the same transcript, the same variables and the same results row. The
// sandbox is the reference; a channel that disagrees fails with a diff against it. Only the
// rendering may differ, and that is asserted explicitly: the Cloud API sends the 3-option question
// as reply buttons (answered by a tap) and the 12-option one as numbered text (over Meta's 10 list
// rows), the others send numbered text for both (and the contact types the number).
//
// WhatsApp Web is not in the table (yet): its channel is not exported by @waflow/runtime and the
// WhatsApp Web double lives in the runtime's own tests (apps/runtime/test/wa-double/), so driving
// it from here means moving the double into packages/testkit first, and each run starts a
// Chromium. apps/runtime/test/whatsapp/channel.test.ts covers its numbered menus meanwhile.
//
// The handoff is in the script: the contact writes while a person has the conversation (the bot
// stays quiet, the message is in the transcript), the person releases it through the API, and the
// flow carries on to its end, so the results row is complete and the same everywhere.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import {
  messageWebhook,
  postSigned,
  startGraphApiDouble,
  type ContactMessage,
  type GraphApiDouble,
  type WebhookTarget,
} from '@waflow/testkit/graph-api';
import {
  inboundParams,
  postTwilioSigned,
  startTwilioDouble,
  type TwilioDouble,
  type TwilioWebhookTarget,
} from '@waflow/testkit/twilio';
import type { SandboxChannel } from '@waflow/runtime';
import { startHarness, until, type Harness, type Json } from '../integrations/test-harness.ts';
import { serveOverHttp } from './provider-test-harness.ts';

const CHANNELS = ['sandbox', 'cloud_api', 'twilio'] as const;
type ChannelName = (typeof CHANNELS)[number];

const ACCESS_TOKEN = 'EAAG-parity-access-token-0123456789';
const APP_SECRET = 'fedcba9876543210fedcba9876543210';
const PHONE_NUMBER_ID = '106540352242923';
const WABA_ID = '102290129340399';
const ACCOUNT_SID = `AC${'3c'.repeat(16)}`;
const AUTH_TOKEN = '0123456789abcdef'.repeat(2);
const SENDER = 'whatsapp:+14155238887';

/** A 1×1 PNG: the image the flow sends (by URL, from the test's own server). */
const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** The same person writes to each number. */
const ANA = { waId: '34600111222', name: 'Ana' };
const ANA_WA_ID = `${ANA.waId}@c.us`;

const SIZES = ['Small', 'Medium', 'Large'] as const;
const FLAVOURS = [
  'Vanilla',
  'Chocolate',
  'Strawberry',
  'Lemon',
  'Carrot',
  'Red velvet',
  'Coffee',
  'Coconut',
  'Banana',
  'Cheesecake',
  'Pistachio',
  'Hazelnut',
] as const;
const SIZE_PROMPT = 'Which size, {{name}}?';
const FLAVOUR_PROMPT = 'Which flavour?';

/**
 * Every block kind a conversation meets: say, ask (text; number with a retry prompt; choices of 3
 * and of 12 options, each option its own branch), http (a local price API), say with an image,
 * handoff and end. `api`: the local server's base URL (price quotes and the image).
 */
function parityFlow(api: string): Json {
  const numbered = (what: string, i: number) => `${what}_${i}`;
  return {
    schemaVersion: 1,
    name: 'Cake order (channel parity)',
    triggers: [{ type: 'first_message' }],
    variables: [
      { name: 'name', type: 'string' },
      { name: 'qty', type: 'number' },
      { name: 'size', type: 'string' },
      { name: 'flavour', type: 'string' },
      { name: 'total', type: 'number' },
      { name: 'ref', type: 'string' },
      { name: 'quoteStatus', type: 'number' },
    ],
    start: 'welcome',
    nodes: [
      {
        id: 'welcome',
        type: 'say',
        message: { kind: 'text', text: 'Welcome to the Parity Bakery!' },
        next: 'ask_name',
      },
      {
        id: 'ask_name',
        type: 'ask',
        prompt: "What's your name?",
        saveAs: 'name',
        validation: { kind: 'text', minLength: 2, maxLength: 80 },
        next: 'ask_qty',
      },
      {
        id: 'ask_qty',
        type: 'ask',
        prompt: 'How many cakes, {{name}}? (1 to 20)',
        saveAs: 'qty',
        validation: { kind: 'number', min: 1, max: 20, integer: true },
        retryPrompt: 'Please answer with a whole number from 1 to 20, like 3.',
        maxRetries: 2,
        onInvalid: 'too_many_tries',
        next: 'ask_size',
      },
      {
        id: 'too_many_tries',
        type: 'end',
        message: 'Let us start again another time.',
      },
      {
        id: 'ask_size',
        type: 'ask',
        prompt: SIZE_PROMPT,
        saveAs: 'size',
        validation: {
          kind: 'choice',
          options: SIZES.map((label, i) => ({ label, next: numbered('size', i + 1) })),
        },
        next: 'ask_flavour',
      },
      ...SIZES.map((label, i) => ({
        id: numbered('size', i + 1),
        type: 'say',
        message: { kind: 'text', text: `Size branch ${i + 1}: ${label}, {{qty}} of them.` },
        next: 'ask_flavour',
      })),
      {
        id: 'ask_flavour',
        type: 'ask',
        prompt: FLAVOUR_PROMPT,
        saveAs: 'flavour',
        validation: {
          kind: 'choice',
          options: FLAVOURS.map((label, i) => ({ label, next: numbered('flavour', i + 1) })),
        },
        next: 'quote',
      },
      ...FLAVOURS.map((label, i) => ({
        id: numbered('flavour', i + 1),
        type: 'say',
        message: { kind: 'text', text: `Flavour branch ${i + 1}: ${label}.` },
        next: 'quote',
      })),
      {
        id: 'quote',
        type: 'http',
        method: 'GET',
        url: `${api}/quote?size={{size}}&flavour={{flavour}}&qty={{qty}}`,
        mappings: [
          { variable: 'total', path: '$.total' },
          { variable: 'ref', path: '$.ref' },
        ],
        saveStatusAs: 'quoteStatus',
        timeoutMs: 5000,
        next: 'quoted',
        onFailure: 'no_quote',
      },
      {
        id: 'no_quote',
        type: 'end',
        message: 'Our price list is not answering, sorry.',
      },
      {
        id: 'quoted',
        type: 'say',
        message: {
          kind: 'text',
          text: '{{qty}} {{size}} {{flavour}} cakes: {{total}} EUR (quote {{ref}}).',
        },
        next: 'photo',
      },
      {
        id: 'photo',
        type: 'say',
        message: {
          kind: 'media',
          mediaType: 'image',
          url: `${api}/cake.png`,
          caption: 'This is what a {{flavour}} cake looks like.',
        },
        next: 'baker',
      },
      {
        id: 'baker',
        type: 'handoff',
        message: 'A baker will confirm quote {{ref}} with you here.',
        reason: 'Confirm quote {{ref}}',
        next: 'bye',
      },
      { id: 'bye', type: 'end', message: 'Thanks {{name}}, your order is confirmed!' },
    ],
  };
}

/**
 * What the contact does, and how many replies each step brings. A choice may be tapped on the
 * channels that render buttons (`tap`); the others type its number (`text`).
 */
type Input =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; text: string; tap: { id: string; title: string } }
  | { kind: 'release' };
interface Step {
  input: Input;
  replies: number;
}
const SCRIPT: Step[] = [
  { input: { kind: 'text', text: 'hi' }, replies: 2 },
  { input: { kind: 'text', text: 'Ana' }, replies: 1 },
  // A wrong answer first: the retry prompt, then the right one.
  { input: { kind: 'text', text: 'a dozen' }, replies: 1 },
  { input: { kind: 'text', text: '3' }, replies: 1 },
  // Size 2 (Medium): its branch, then the 12-option question.
  { input: { kind: 'choice', text: '2', tap: { id: '2', title: 'Medium' } }, replies: 2 },
  // Flavour 11 (Pistachio): its branch; the quote (after the HTTP call), the photo, the handoff.
  { input: { kind: 'text', text: '11' }, replies: 4 },
  // A person has the conversation: the bot stays quiet.
  { input: { kind: 'text', text: 'Is anyone there?' }, replies: 0 },
  { input: { kind: 'release' }, replies: 1 },
];

/** How a channel is driven: the contact writes, and what reached the contact through it. */
interface Driver {
  numberId: string;
  /** Sends one message from Ana; its network id (the inbound event's dedupe key). */
  write: (input: Exclude<Input, { kind: 'release' }>) => Promise<string>;
  /** How many messages the channel carried to Ana. */
  sentToAna: () => number;
}

interface Line {
  direction: 'in' | 'out';
  type: string;
  body: string | null;
}
interface Outcome {
  transcript: Line[];
  conversations: number;
  status: string;
  vars: Record<string, unknown>;
  result: { status: string; variables: Record<string, unknown>; flowVersionId: string | null };
}

describe('one flow, the same conversation on every channel', () => {
  let graph: GraphApiDouble;
  let twilio: TwilioDouble;
  let h: Harness;
  let server: Awaited<ReturnType<typeof serveOverHttp>>;
  let api: Server;
  let apiUrl = '';
  const quoteRequests: string[] = [];
  let flowId = '';
  const drivers = new Map<ChannelName, Driver>();
  const outcomes = new Map<ChannelName, Outcome>();
  let sandbox: SandboxChannel;

  const addNumber = async (channel: ChannelName, extra: Json): Promise<string> => {
    const created = await h.call('POST', `/api/v1/workspaces/${h.ws}/numbers`, {
      token: h.admin,
      body: { label: `Parity ${channel}`, channel, flowId, ...extra },
    });
    if (created.status !== 201)
      throw new Error(`adding the ${channel} number failed: ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    await until(async () => {
      const [n] = await h.client.db
        .select({ status: schema.numbers.status })
        .from(schema.numbers)
        .where(eq(schema.numbers.id, id));
      return n?.status === 'ready' || undefined;
    }, `the ${channel} number to be ready`);
    return id;
  };

  beforeAll(async () => {
    // The flow's HTTP API and image host: a price per size, the same quote for the same order.
    api = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/cake.png') {
        res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(PNG_B64, 'base64'));
        return;
      }
      quoteRequests.push(url.search);
      const each = { Small: 12, Medium: 20, Large: 31 }[url.searchParams.get('size') ?? ''] ?? 0;
      const qty = Number(url.searchParams.get('qty'));
      const ref = `Q-${url.searchParams.get('size')?.[0]}${qty}-${url.searchParams.get('flavour')?.slice(0, 3).toUpperCase()}`;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ total: each * qty, ref }));
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

    graph = await startGraphApiDouble({
      accessToken: ACCESS_TOKEN,
      phoneNumbers: { [PHONE_NUMBER_ID]: { display: '+1 555-0101', verifiedName: 'Parity' } },
    });
    twilio = await startTwilioDouble({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      senders: [SENDER],
    });
    h = await startHarness({
      WAFLOW_CLOUD_API_BASE_URL: graph.baseUrl,
      WAFLOW_TWILIO_BASE_URL: twilio.baseUrl,
    });
    server = await serveOverHttp(h);
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
    await graph?.close();
    await twilio?.close();
    await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
  });

  it('publishes the flow after the API validated it', async () => {
    const created = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows`, {
      token: h.admin,
      body: { name: 'Cake order', config: parityFlow(apiUrl) },
    });
    expect(created.status).toBe(201);
    flowId = created.body.id as string;
    const validated = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${flowId}/validate`, {
      token: h.admin,
    });
    expect(validated.body).toEqual({ ok: true, errors: [] });
    const published = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${flowId}/publish`, {
      token: h.admin,
      body: {},
    });
    expect(published.status).toBe(201);
  });

  it('binds a number of each channel to it', async () => {
    const sandboxId = await addNumber('sandbox', {});
    sandbox = await h.runtime.attachSandbox(sandboxId);
    drivers.set('sandbox', {
      numberId: sandboxId,
      write: async (input) => {
        const m = sandbox.deliver({ from: ANA_WA_ID, contactName: ANA.name, text: input.text });
        return m.messageId;
      },
      sentToAna: () => sandbox.sent.filter((s) => s.message.to === ANA_WA_ID).length,
    });

    const cloudId = await addNumber('cloud_api', {
      cloudApi: {
        phoneNumberId: PHONE_NUMBER_ID,
        wabaId: WABA_ID,
        accessToken: ACCESS_TOKEN,
        appSecret: APP_SECRET,
      },
    });
    const cloud: WebhookTarget = {
      url: `${server.base}/api/v1/channels/cloud-api/${cloudId}/webhook`,
      appSecret: APP_SECRET,
      phoneNumberId: PHONE_NUMBER_ID,
      displayPhoneNumber: '15550101',
      wabaId: WABA_ID,
    };
    drivers.set('cloud_api', {
      numberId: cloudId,
      write: async (input) => {
        const m: ContactMessage =
          input.kind === 'choice'
            ? { kind: 'button_reply', ...input.tap }
            : { kind: 'text', text: input.text };
        const hook = messageWebhook(cloud, ANA, m);
        const posted = await postSigned(cloud.url, hook.payload, APP_SECRET);
        if (posted.status !== 200) throw new Error(`the Cloud API webhook got ${posted.status}`);
        return hook.id;
      },
      sentToAna: () => graph.sends.filter((s) => s.body.to === ANA.waId).length,
    });

    const twilioId = await addNumber('twilio', {
      twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, sender: SENDER },
    });
    const target: TwilioWebhookTarget = {
      url: `${server.base}/api/v1/channels/twilio/${twilioId}/webhook`,
      authToken: AUTH_TOKEN,
      accountSid: ACCOUNT_SID,
      to: SENDER,
    };
    drivers.set('twilio', {
      numberId: twilioId,
      write: async (input) => {
        const { sid, params } = inboundParams(target, ANA, { kind: 'text', text: input.text });
        const posted = await postTwilioSigned(target, params);
        if (posted.status !== 200) throw new Error(`the Twilio webhook got ${posted.status}`);
        return sid;
      },
      sentToAna: () => twilio.sends.filter((s) => s.params.To === `whatsapp:+${ANA.waId}`).length,
    });
  });

  const conversationOf = async (numberId: string) => {
    const rows = await h.client.db
      .select({ id: schema.conversations.id, status: schema.conversations.status })
      .from(schema.conversations)
      .where(eq(schema.conversations.numberId, numberId));
    return rows;
  };

  const release = async (numberId: string) => {
    const list = await h.call(
      'GET',
      `/api/v1/workspaces/${h.ws}/conversations?numberId=${numberId}&status=handoff`,
      { token: h.admin },
    );
    const items = list.body.items as { id: string; handoffReason: string | null }[];
    expect(items).toHaveLength(1);
    // The handoff block's note, rendered with the quote the HTTP call returned.
    expect(items[0]?.handoffReason).toBe('Confirm quote Q-M3-PIS');
    const released = await h.call(
      'POST',
      `/api/v1/workspaces/${h.ws}/conversations/${items[0]?.id}/release`,
      { token: h.admin },
    );
    expect(released.body).toMatchObject({ status: 'waiting' });
  };

  /** Plays the script on a channel, step by step (each step's replies arrived before the next). */
  const play = async (channel: ChannelName): Promise<Outcome> => {
    const d = drivers.get(channel);
    if (!d) throw new Error(`no ${channel} number`);
    for (const [i, step] of SCRIPT.entries()) {
      const before = d.sentToAna();
      const what = `${channel}, step ${i + 1} (${JSON.stringify(step.input)})`;
      if (step.input.kind === 'release') await release(d.numberId);
      else {
        const id = await d.write(step.input);
        await until(async () => {
          const [e] = await h.client.db
            .select({ status: schema.inboundEvents.status })
            .from(schema.inboundEvents)
            .where(
              and(
                eq(schema.inboundEvents.numberId, d.numberId),
                eq(schema.inboundEvents.waMessageId, id),
              ),
            );
          return e?.status === 'processed' || undefined;
        }, `${what}: the message processed`);
      }
      await until(
        () => d.sentToAna() >= before + step.replies || undefined,
        `${what}: ${step.replies} replies (got ${d.sentToAna() - before})`,
      );
      await h.runtime.idle();
      expect(d.sentToAna() - before, `${what}: replies`).toBe(step.replies);
    }
    return collect(d.numberId);
  };

  /** What the conversation left in the tables: transcript, variables, results row. */
  const collect = async (numberId: string): Promise<Outcome> => {
    const conversations = await conversationOf(numberId);
    const conversation = conversations[0];
    if (!conversation) throw new Error('no conversation');
    const transcript = await h.client.db
      .select({
        direction: schema.messages.direction,
        type: schema.messages.type,
        body: schema.messages.body,
      })
      .from(schema.messages)
      .where(eq(schema.messages.conversationId, conversation.id))
      .orderBy(schema.messages.seq);
    const [checkpoint] = await h.client.db
      .select({ state: schema.conversationCheckpoints.state })
      .from(schema.conversationCheckpoints)
      .where(eq(schema.conversationCheckpoints.conversationId, conversation.id));
    const [result] = await h.client.db
      .select({
        status: schema.results.status,
        variables: schema.results.variables,
        flowVersionId: schema.results.flowVersionId,
      })
      .from(schema.results)
      .where(eq(schema.results.conversationId, conversation.id));
    if (!result) throw new Error('no results row');
    return {
      transcript,
      conversations: conversations.length,
      status: conversation.status,
      vars: (checkpoint?.state as { vars?: Record<string, unknown> } | undefined)?.vars ?? {},
      result,
    };
  };

  it.each(CHANNELS)('plays the contact script on %s', async (channel) => {
    outcomes.set(channel, await play(channel));
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
    expect(quoteRequests).toEqual(CHANNELS.map(() => '?size=Medium&flavour=Pistachio&qty=3'));
  });

  it('rendered the choices each channel’s way: reply buttons for 3 on the Cloud API, numbered text otherwise', () => {
    const ref = outcomes.get('sandbox')?.transcript.filter((l) => l.direction === 'out') ?? [];
    const sizeText = ref.find((l) => l.body?.startsWith('Which size'))?.body;
    const flavourText = ref.find((l) => l.body?.startsWith('Which flavour'))?.body;
    if (!sizeText || !flavourText) throw new Error('the questions are not in the transcript');

    // Cloud API: three reply buttons (ids the options' numbers), the twelve as numbered text.
    const toAna = graph.sends.filter((s) => s.body.to === ANA.waId).map((s) => s.body);
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
        image: expect.objectContaining({ link: `${apiUrl}/cake.png` }) as unknown,
      }),
    );

    // Sandbox and Twilio: both questions as the numbered text (Twilio never gets a ContentSid).
    const sandboxTexts = sandbox.sent
      .filter((s) => s.message.to === ANA_WA_ID)
      .map((s) => (s.message.type === 'text' ? s.message.text : s.message.type));
    expect(sandboxTexts).toEqual(expect.arrayContaining([sizeText, flavourText]));
    expect(sandbox.sent.map((s) => s.message)).toContainEqual(
      expect.objectContaining({ type: 'media', mediaType: 'image', url: `${apiUrl}/cake.png` }),
    );
    const twilioToAna = twilio.sends.filter((s) => s.params.To === `whatsapp:+${ANA.waId}`);
    expect(twilioToAna.map((s) => s.params.Body)).toEqual(
      expect.arrayContaining([sizeText, flavourText]),
    );
    expect(twilioToAna.every((s) => s.params.ContentSid === undefined)).toBe(true);
    expect(twilioToAna.filter((s) => s.params.MediaUrl)).toEqual([
      expect.objectContaining({
        params: expect.objectContaining({ MediaUrl: `${apiUrl}/cake.png` }) as unknown,
      }),
    ]);
  });
});
