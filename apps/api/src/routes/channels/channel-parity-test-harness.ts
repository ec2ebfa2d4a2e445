// How the channel parity test drives each channel: the app on Postgres with the Graph API and
// Twilio doubles, a number per channel bound to the flow, and for each a Driver (the contact
// writes, what reached the contact). WhatsApp Web is the real WhatsAppChannel (whatsapp-web.js,
// puppeteer, Chromium) on the runtime's WhatsApp Web double, linked by the double's phone.
import { rm } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { schema } from '@waflow/db';
import {
  messageWebhook,
  postSigned,
  startGraphApiDouble,
  type ContactMessage,
  type GraphApiDouble,
} from '@waflow/testkit/graph-api';
import {
  inboundParams,
  postTwilioSigned,
  startTwilioDouble,
  type TwilioDouble,
} from '@waflow/testkit/twilio';
import type { SandboxChannel } from '@waflow/runtime';
import {
  channelOnDouble,
  type ChannelOnDouble,
} from '../../../../runtime/test/whatsapp/harness.ts';
import { startHarness, until, type Harness, type Json } from '../integrations/test-harness.ts';
import { ANA, ANA_WA_ID, SCRIPT, type Input } from './channel-parity.fixture.ts';
import { serveOverHttp } from './provider-test-harness.ts';

export const CHANNELS = ['sandbox', 'cloud_api', 'twilio', 'whatsapp'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** The numbers' credentials, as the operator types them into the app (and the doubles know). */
const CLOUD_API = {
  phoneNumberId: '106540352242923',
  wabaId: '102290129340399',
  accessToken: 'EAAG-parity-access-token-0123456789',
  appSecret: 'fedcba9876543210fedcba9876543210',
};
const TWILIO = {
  accountSid: `AC${'3c'.repeat(16)}`,
  authToken: '0123456789abcdef'.repeat(2),
  sender: 'whatsapp:+14155238887',
};

/** How a channel is driven: the contact writes, and what reached the contact through it. */
export interface Driver {
  numberId: string;
  /** Sends one message from Ana; its network id (the inbound event's dedupe key). */
  write: (input: Exclude<Input, { kind: 'release' }>) => Promise<string>;
  /** How many messages the channel carried to Ana. */
  sentToAna: () => Promise<number>;
}

export interface Outcome {
  transcript: { direction: 'in' | 'out'; type: string; body: string | null }[];
  conversations: number;
  status: string;
  vars: Record<string, unknown>;
  result: { status: string; variables: Record<string, unknown>; flowVersionId: string | null };
}

export interface Parity {
  h: Harness;
  graph: GraphApiDouble;
  twilio: TwilioDouble;
  /** A number of each channel bound to `flowId`, each with its driver. */
  bind: (flowId: string) => Promise<Map<ChannelName, Driver>>;
  /** The channels attached here, once bound: the sandbox and WhatsApp Web on its double. */
  bound: { sandbox?: SandboxChannel; whatsappWeb?: ChannelOnDouble };
  close: () => Promise<void>;
}

/** The app with the Graph API and Twilio doubles as its providers, served over HTTP. */
export async function startParity(): Promise<Parity> {
  const graph = await startGraphApiDouble({
    accessToken: CLOUD_API.accessToken,
    phoneNumbers: { [CLOUD_API.phoneNumberId]: { display: '+1 555-0101', verifiedName: 'Parity' } },
  });
  const twilio = await startTwilioDouble({ ...TWILIO, senders: [TWILIO.sender] });
  const h = await startHarness({
    WAFLOW_CLOUD_API_BASE_URL: graph.baseUrl,
    WAFLOW_TWILIO_BASE_URL: twilio.baseUrl,
  });
  const server = await serveOverHttp(h);
  const bound: Parity['bound'] = {};

  const addNumber = async (flowId: string, channel: ChannelName, extra: Json = {}) => {
    const created = await h.call('POST', `/api/v1/workspaces/${h.ws}/numbers`, {
      token: h.admin,
      body: { label: `Parity ${channel}`, channel, flowId, ...extra },
    });
    if (created.status !== 201)
      throw new Error(`adding the ${channel} number failed: ${JSON.stringify(created.body)}`);
    return created.body.id as string;
  };
  const ready = (id: string, channel: ChannelName) =>
    until(async () => {
      const [n] = await h.client.db
        .select({ status: schema.numbers.status })
        .from(schema.numbers)
        .where(eq(schema.numbers.id, id));
      return n?.status === 'ready' || undefined;
    }, `the ${channel} number to be ready`);

  const bindSandbox = async (flowId: string): Promise<Driver> => {
    const numberId = await addNumber(flowId, 'sandbox');
    await ready(numberId, 'sandbox');
    const channel = await h.runtime.attachSandbox(numberId);
    bound.sandbox = channel;
    return {
      numberId,
      write: async (input) =>
        channel.deliver({ from: ANA_WA_ID, contactName: ANA.name, text: input.text }).messageId,
      sentToAna: async () => channel.sent.filter((s) => s.message.to === ANA_WA_ID).length,
    };
  };

  const bindCloudApi = async (flowId: string): Promise<Driver> => {
    const numberId = await addNumber(flowId, 'cloud_api', { cloudApi: CLOUD_API });
    await ready(numberId, 'cloud_api');
    const url = `${server.base}/api/v1/channels/cloud-api/${numberId}/webhook`;
    const target = { ...CLOUD_API, url, displayPhoneNumber: '15550101' };
    return {
      numberId,
      write: async (input) => {
        const m: ContactMessage =
          input.kind === 'choice'
            ? { kind: 'button_reply', ...input.tap }
            : { kind: 'text', text: input.text };
        const hook = messageWebhook(target, ANA, m);
        const posted = await postSigned(url, hook.payload, CLOUD_API.appSecret);
        if (posted.status !== 200) throw new Error(`the Cloud API webhook got ${posted.status}`);
        return hook.id;
      },
      sentToAna: async () => graph.sends.filter((s) => s.body.to === ANA.waId).length,
    };
  };

  const bindTwilio = async (flowId: string): Promise<Driver> => {
    const numberId = await addNumber(flowId, 'twilio', { twilio: TWILIO });
    await ready(numberId, 'twilio');
    const url = `${server.base}/api/v1/channels/twilio/${numberId}/webhook`;
    const target = { ...TWILIO, url, to: TWILIO.sender };
    return {
      numberId,
      write: async (input) => {
        const { sid, params } = inboundParams(target, ANA, { kind: 'text', text: input.text });
        const posted = await postTwilioSigned(target, params);
        if (posted.status !== 200) throw new Error(`the Twilio webhook got ${posted.status}`);
        return sid;
      },
      sentToAna: async () =>
        twilio.sends.filter((s) => s.params.To === `whatsapp:+${ANA.waId}`).length,
    };
  };

  // The number is added as the web app adds it; the channel is attached to the app's runtime as
  // a number worker would attach it, shows its QR, and the double's phone scans it.
  const bindWhatsAppWeb = async (flowId: string): Promise<Driver> => {
    const numberId = await addNumber(flowId, 'whatsapp');
    // The runtime's egress client: it allows 127.0.0.0/8 (as the harness's operator allowed it),
    // so the channel can fetch the photo from the bakery API before sending it.
    const web = await channelOnDouble({ db: h.client, numberId, egress: h.runtime.egress });
    bound.whatsappWeb = web;
    await h.runtime.attach(numberId, web.channel);
    await until(() => web.statuses.includes('qr') || undefined, 'the WhatsApp Web QR');
    await web.double.pair({ me: '15550003333@c.us' });
    await ready(numberId, 'whatsapp');
    return {
      numberId,
      write: (input) =>
        web.double.deliverInbound({ from: ANA_WA_ID, pushname: ANA.name, body: input.text }),
      sentToAna: async () => (await web.double.sent()).filter((m) => m.to === ANA_WA_ID).length,
    };
  };

  return {
    h,
    graph,
    twilio,
    bind: async (flowId) =>
      new Map<ChannelName, Driver>([
        ['sandbox', await bindSandbox(flowId)],
        ['cloud_api', await bindCloudApi(flowId)],
        ['twilio', await bindTwilio(flowId)],
        ['whatsapp', await bindWhatsAppWeb(flowId)],
      ]),
    bound,
    close: async () => {
      await server.close();
      await h.close();
      await graph.close();
      await twilio.close();
      if (bound.whatsappWeb) await rm(bound.whatsappWeb.dataDir, { recursive: true, force: true });
    },
  };
}

/** A person releases the handoff through the API, after checking the handoff block's note. */
async function release(h: Harness, numberId: string): Promise<void> {
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
}

/** Plays the script on a channel, step by step (each step's replies arrived before the next). */
export async function play(h: Harness, channel: ChannelName, d: Driver): Promise<Outcome> {
  for (const [i, step] of SCRIPT.entries()) {
    const before = await d.sentToAna();
    const what = `${channel}, step ${i + 1} (${JSON.stringify(step.input)})`;
    if (step.input.kind === 'release') await release(h, d.numberId);
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
      async () => (await d.sentToAna()) >= before + step.replies || undefined,
      `${what}: ${step.replies} replies`,
    );
    await h.runtime.idle();
    expect((await d.sentToAna()) - before, `${what}: replies`).toBe(step.replies);
  }
  return collect(h, d.numberId);
}

/** What the conversation left in the tables: transcript, variables, results row. */
async function collect(h: Harness, numberId: string): Promise<Outcome> {
  const conversations = await h.client.db
    .select({ id: schema.conversations.id, status: schema.conversations.status })
    .from(schema.conversations)
    .where(eq(schema.conversations.numberId, numberId));
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
}
