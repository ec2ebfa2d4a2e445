import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InboundMessage } from '@waflow/channel';
import {
  downloadTwilioMedia,
  parseTwilioInbound,
  parseTwilioStatus,
  readTwilioAccount,
  readTwilioForm,
  sendTwilioMessage,
  TwilioCallError,
  verifyTwilioSignature,
  type TwilioStatus,
} from '@waflow/channel/twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioDouble, type TwilioDouble } from './index.ts';

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'f00dbabe0123456789abcdef01234567';
const sender = 'whatsapp:+14155238886';
const creds = { accountSid, authToken, sender };

/** What a receiver needs from `sendTwilioMessage`'s failure: Twilio's verdict. */
async function failure(p: Promise<unknown>): Promise<TwilioCallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof TwilioCallError))
    throw new Error(`expected a TwilioCallError, got ${String(err)}`);
  return err;
}

describe('the Twilio double', () => {
  let double: TwilioDouble;
  let config: { baseUrl: string };
  beforeAll(async () => {
    double = await startTwilioDouble({ accountSid, authToken, senders: [sender] });
    config = { baseUrl: double.baseUrl };
  });
  afterAll(() => double.close());

  it('records a send made with Basic auth and a form body, and answers with an SM sid, queued', async () => {
    const sid = await sendTwilioMessage(config, creds, {
      to: '14155550123@c.us',
      type: 'text',
      text: 'Olá ☕ & more',
    });
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    const [sent] = await double.waitForSends(1);
    expect(sent).toMatchObject({
      sid,
      accountSid,
      params: { To: 'whatsapp:+14155550123', From: sender, Body: 'Olá ☕ & more' },
    });
    expect(double.requests.at(-1)).toEqual({
      method: 'POST',
      path: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
    });
  });

  it("maps Twilio's error bodies: an injected 63016 asks for a template, a 20429 is retried", async () => {
    const text = { to: '14155550123@c.us', type: 'text', text: 'late' } as const;
    double.failNext(1, 63016);
    const late = await failure(sendTwilioMessage(config, creds, text));
    expect(late.verdict).toMatchObject({ code: 63016, transient: false });
    expect(late.message).toMatch(/template/);
    double.failNext(1, 20429);
    const busy = await failure(sendTwilioMessage(config, creds, text));
    expect(busy).toMatchObject({ httpStatus: 429, verdict: { code: 20429, transient: true } });
    // Failures are used up: the next send goes through.
    await expect(sendTwilioMessage(config, creds, text)).resolves.toMatch(/^SM/);
  });

  it('refuses a wrong auth token with 20003 and an unknown sender with 63007', async () => {
    const text = { to: '14155550123@c.us', type: 'text', text: 'x' } as const;
    const bad = await failure(sendTwilioMessage(config, { ...creds, authToken: 'nope' }, text));
    expect(bad).toMatchObject({ httpStatus: 401, verdict: { code: 20003, transient: false } });
    const stranger = await failure(
      sendTwilioMessage(config, { ...creds, sender: 'whatsapp:+15550000000' }, text),
    );
    expect(stranger.verdict.code).toBe(63007);
  });

  it('takes a template by ContentSid and variables', async () => {
    const before = double.sends.length;
    await sendTwilioMessage(config, creds, {
      to: '14155550123@c.us',
      type: 'template',
      contentSid: 'HX0123456789abcdef0123456789abcdef',
      variables: ['Ana'],
    });
    expect(double.sends[before]?.params).toMatchObject({
      ContentSid: 'HX0123456789abcdef0123456789abcdef',
      ContentVariables: '{"1":"Ana"}',
    });
  });

  it('serves the account for a connection check', async () => {
    await expect(readTwilioAccount(config, creds)).resolves.toEqual({
      sid: accountSid,
      friendlyName: 'waflow test account',
      status: 'active',
      type: 'Full',
    });
    const err = await failure(readTwilioAccount(config, { accountSid, authToken: 'nope' }));
    expect(err.message).toMatch(/Auth Token/);
  });

  it('serves media behind the credentials, through a redirect, and only to its own host', async () => {
    const url = double.addMedia({ data: Buffer.from('%PDF-1.4'), mimeType: 'application/pdf' });
    await expect(downloadTwilioMedia(config, creds, url)).resolves.toEqual({
      data: Buffer.from('%PDF-1.4'),
      mimeType: 'application/pdf',
    });
    expect(double.requests.slice(-2).map((r) => r.path)).toEqual([
      new URL(url).pathname,
      expect.stringMatching(/^\/media-store\/ME[0-9a-f]{32}$/),
    ]);
    const stolen = await failure(
      downloadTwilioMedia(config, creds, url.replace('127.0.0.1', 'localhost')),
    );
    expect(stolen.message).toMatch(/not on Twilio's API host/);
  });
});

describe("the Twilio double's webhooks", () => {
  // Our receiver sits behind a proxy: Twilio signs the public URL, the test posts to the local one.
  const publicUrl = 'https://bot.example.com/api/v1/channels/twilio/n1/webhook?kind=all';
  const received: (InboundMessage | TwilioStatus | undefined)[] = [];
  let receiver: Server;
  let double: TwilioDouble;
  let url = '';

  beforeAll(async () => {
    double = await startTwilioDouble({ accountSid, authToken, senders: [sender] });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const params = readTwilioForm(Buffer.concat(chunks).toString('utf8'));
        const header = req.headers['x-twilio-signature'];
        if (
          !verifyTwilioSignature(
            publicUrl,
            params,
            typeof header === 'string' ? header : undefined,
            authToken,
          )
        ) {
          res.writeHead(403).end();
          return;
        }
        received.push(
          params.MessageStatus ? parseTwilioStatus(params) : parseTwilioInbound(params),
        );
        res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await double.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const target = () => ({ url, publicUrl, authToken, accountSid, to: sender });

  it('posts an incoming message signed over the public URL, which our reader understands', async () => {
    const answer = await double.postInbound(
      target(),
      { waId: '14155550123', name: 'Zoë' },
      { kind: 'button', payload: 'choice:2', text: 'Terça ☀️' },
      { quotedSid: 'SMffffffffffffffffffffffffffffffff' },
    );
    expect(answer.status).toBe(200);
    expect(received.at(-1)).toMatchObject({
      messageId: answer.sid,
      from: '14155550123@c.us',
      contactName: 'Zoë',
      reply: { id: 'choice:2', title: 'Terça ☀️' },
      quotedMessageId: 'SMffffffffffffffffffffffffffffffff',
    });
  });

  it('is refused when it signs another URL or with another token', async () => {
    const from = { waId: '14155550123', name: 'Zoë' };
    const text = { kind: 'text', text: 'hi' } as const;
    expect((await double.postInbound({ ...target(), publicUrl: url }, from, text)).status).toBe(
      403,
    );
    expect((await double.postInbound({ ...target(), authToken: 'other' }, from, text)).status).toBe(
      403,
    );
  });

  it("posts a send's status callbacks, a failure with Twilio's code", async () => {
    await sendTwilioMessage({ baseUrl: double.baseUrl }, creds, {
      to: '14155550123@c.us',
      type: 'text',
      text: 'hello',
    });
    const [sent] = await double.waitForSends(1);
    if (!sent) throw new Error('no send');
    expect(await double.postStatus(target(), sent, 'delivered')).toBe(200);
    expect(received.at(-1)).toMatchObject({
      providerMessageId: sent.sid,
      level: 'delivered',
      recipient: '14155550123',
    });
    expect(await double.postStatus(target(), sent, 'undelivered', 63016)).toBe(200);
    expect(received.at(-1)).toMatchObject({
      level: 'failed',
      error: { code: 63016, reason: expect.stringContaining('template') },
    });
  });
});
