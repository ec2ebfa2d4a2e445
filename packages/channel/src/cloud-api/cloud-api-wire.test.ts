import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../channel.ts';
import {
  classifyGraphError,
  graphMessageId,
  parseCloudWebhook,
  toGraphMessage,
  toGraphMessages,
  verifyHubSignature,
} from './index.ts';

const hook = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'WABA1',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550001111', phone_number_id: 'PN1' },
            ...value,
          },
        },
      ],
    },
  ],
});

describe('the X-Hub-Signature-256 check', () => {
  const body = JSON.stringify(hook({}));
  const good = `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`;
  it('accepts the HMAC-SHA256 of the raw body with the app secret', () => {
    expect(verifyHubSignature(body, good, 's3cret')).toBe(true);
    expect(
      verifyHubSignature(
        Buffer.from(body),
        good.toUpperCase().replace('SHA256', 'sha256'),
        's3cret',
      ),
    ).toBe(true);
  });
  it('refuses another secret, another body, a missing or malformed header', () => {
    expect(verifyHubSignature(body, good, 'other')).toBe(false);
    expect(verifyHubSignature(`${body} `, good, 's3cret')).toBe(false);
    expect(verifyHubSignature(body, undefined, 's3cret')).toBe(false);
    expect(verifyHubSignature(body, 'sha1=abc', 's3cret')).toBe(false);
    expect(verifyHubSignature(body, good, '')).toBe(false);
  });
});

describe('reading a Cloud API webhook', () => {
  it('turns each kind of message into our inbound shape with the profile name', () => {
    const [batch] = parseCloudWebhook(
      hook({
        contacts: [{ profile: { name: 'Kerry' }, wa_id: '16315551234' }],
        messages: [
          {
            from: '16315551234',
            id: 'wamid.1',
            timestamp: '1700000000',
            type: 'text',
            text: { body: 'hi' },
          },
          {
            from: '16315551234',
            id: 'wamid.2',
            timestamp: '1700000001',
            type: 'interactive',
            interactive: {
              type: 'button_reply',
              button_reply: { id: 'choice:2', title: 'Tuesday' },
            },
            context: { from: '15550001111', id: 'wamid.out' },
          },
          {
            from: '16315551234',
            id: 'wamid.3',
            timestamp: '1700000002',
            type: 'interactive',
            interactive: {
              type: 'list_reply',
              list_reply: { id: 'choice:11', title: 'Eleven', description: 'x' },
            },
          },
          {
            from: '16315551234',
            id: 'wamid.4',
            timestamp: '1700000003',
            type: 'document',
            document: {
              id: 'MEDIA9',
              mime_type: 'application/pdf',
              filename: 'a.pdf',
              caption: 'my id',
            },
          },
          {
            from: '16315551234',
            id: 'wamid.5',
            timestamp: '1700000004',
            type: 'location',
            location: { latitude: 40.4, longitude: -3.7, name: 'Home' },
          },
          {
            from: '16315551234',
            id: 'wamid.6',
            timestamp: '1700000005',
            type: 'contacts',
            contacts: [{ name: { formatted_name: 'Ana' }, phones: [{ phone: '+34 600 000 000' }] }],
          },
          {
            from: '16315551234',
            id: 'wamid.7',
            timestamp: '1700000006',
            type: 'reaction',
            reaction: {},
          },
        ],
      }),
    );
    expect(batch?.phoneNumberId).toBe('PN1');
    const m = batch?.messages ?? [];
    expect(m.map((x) => x.messageId)).toEqual([
      'wamid.1',
      'wamid.2',
      'wamid.3',
      'wamid.4',
      'wamid.5',
      'wamid.6',
    ]);
    expect(m[0]).toEqual({
      messageId: 'wamid.1',
      from: '16315551234@c.us',
      contactName: 'Kerry',
      timestamp: 1_700_000_000_000,
      type: 'text',
      text: 'hi',
    });
    expect(m[1]).toMatchObject({
      text: 'Tuesday',
      reply: { id: 'choice:2', title: 'Tuesday' },
      quotedMessageId: 'wamid.out',
    });
    expect(m[2]).toMatchObject({ text: 'Eleven', reply: { id: 'choice:11' } });
    expect(m[3]).toMatchObject({
      type: 'media',
      text: 'my id',
      media: { ref: 'cloud-media:MEDIA9', mimeType: 'application/pdf', fileName: 'a.pdf' },
    });
    expect(m[4]).toMatchObject({
      type: 'location',
      location: { latitude: 40.4, longitude: -3.7, name: 'Home' },
    });
    expect(m[5]).toMatchObject({ type: 'text', text: 'Ana +34 600 000 000' });
  });

  it('turns statuses into acks, a failure with its code and reason', () => {
    const [batch] = parseCloudWebhook(
      hook({
        statuses: [
          { id: 'wamid.a', status: 'delivered', timestamp: '1700000000', recipient_id: '1631' },
          {
            id: 'wamid.b',
            status: 'failed',
            timestamp: '1700000001',
            recipient_id: '1631',
            errors: [{ code: 131047, title: 'Re-engagement message' }],
          },
          { id: 'wamid.c', status: 'deleted' },
        ],
      }),
    );
    expect(batch?.statuses).toEqual([
      {
        providerMessageId: 'wamid.a',
        level: 'delivered',
        recipient: '1631',
        timestamp: 1_700_000_000_000,
      },
      {
        providerMessageId: 'wamid.b',
        level: 'failed',
        recipient: '1631',
        timestamp: 1_700_000_001_000,
        error: { code: 131047, reason: expect.stringContaining('24 hours') },
      },
    ]);
  });

  it('refuses a body that is not a Cloud API webhook, saying what it expected', () => {
    expect(() => parseCloudWebhook({ object: 'page' })).toThrow(/whatsapp_business_account/);
    expect(() => parseCloudWebhook('x')).toThrow(/whatsapp_business_account/);
  });

  it('skips messages whose sender is not a phone number', () => {
    const [batch] = parseCloudWebhook(
      hook({ messages: [{ from: 'evil', id: 'w', type: 'text', text: { body: 'x' } }] }),
    );
    expect(batch?.messages).toEqual([]);
  });
});

describe('sending through the Graph API', () => {
  it('writes text, media by link and location as Meta expects', () => {
    expect(toGraphMessage({ to: '16315551234@c.us', type: 'text', text: 'hello' })).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16315551234',
      type: 'text',
      text: { preview_url: false, body: 'hello' },
    });
    expect(
      toGraphMessage({
        to: '1631555@c.us',
        type: 'media',
        mediaType: 'audio',
        url: 'https://x/a.ogg',
        caption: 'c',
      }),
    ).toMatchObject({ type: 'audio', audio: { link: 'https://x/a.ogg' } });
    expect(
      toGraphMessage({
        to: '1631555@c.us',
        type: 'media',
        mediaType: 'document',
        url: 'https://x/a.pdf',
        caption: 'c',
        fileName: 'a.pdf',
      }),
    ).toMatchObject({ document: { link: 'https://x/a.pdf', caption: 'c', filename: 'a.pdf' } });
    expect(graphMessageId({ messaging_product: 'whatsapp', messages: [{ id: 'wamid.X' }] })).toBe(
      'wamid.X',
    );
    expect(graphMessageId({ error: {} })).toBeUndefined();
  });

  it('writes a template by name and language, its parameters as the body’s text parameters', () => {
    const template: Extract<OutboundMessage, { type: 'template' }> = {
      to: '16315551234@c.us',
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      parameters: ['Ana', '#42'],
      text: 'order_update: Ana, #42',
    };
    expect(toGraphMessages(template)).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '16315551234',
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Ana' },
                { type: 'text', text: '#42' },
              ],
            },
          ],
        },
      },
    ]);
    // A template without parameters has no components (Meta refuses an empty body component).
    expect(
      toGraphMessage({ ...template, name: 'hello_world', parameters: [], text: 'hello_world' }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16315551234',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
  });

  it("classifies Meta's error codes: rate limits transient, the 24 h window and bad numbers permanent", () => {
    expect(classifyGraphError(400, { error: { code: 130429 } })).toMatchObject({ transient: true });
    expect(classifyGraphError(400, { error: { code: 131056 } })).toMatchObject({ transient: true });
    expect(classifyGraphError(400, { error: { code: 131047 } })).toMatchObject({
      transient: false,
      reason: expect.stringContaining('template'),
    });
    expect(classifyGraphError(400, { error: { code: 131026 } })).toMatchObject({
      transient: false,
    });
    expect(classifyGraphError(400, { error: { code: 100 } })).toMatchObject({ transient: false });
    expect(classifyGraphError(503, 'gateway down')).toMatchObject({ code: null, transient: true });
    expect(classifyGraphError(400, { error: { code: 999, message: 'odd' } })).toMatchObject({
      transient: false,
      reason: 'Meta refused the message (error 999): odd.',
    });
  });
});
