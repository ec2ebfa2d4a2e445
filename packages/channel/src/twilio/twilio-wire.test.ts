// Reading Twilio's incoming-message and status webhooks, and writing its Messages API bodies.
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../channel.ts';
import {
  classifyTwilioError,
  parseTwilioInbound,
  parseTwilioStatus,
  toTwilioMessage,
  toTwilioTemplate,
  twilioMessageSid,
  TwilioWebhookError,
} from './index.ts';

import { ACCOUNT, inbound, SID } from './twilio-fixture.ts';

describe('reading a Twilio incoming-message webhook', () => {
  it('turns a text into our inbound shape with the profile name and Twilio’s sid', () => {
    expect(
      parseTwilioInbound(inbound({ Body: 'hi', ProfileName: 'Kerry' }), 1_700_000_000_000),
    ).toEqual({
      messageId: SID,
      from: '14155550123@c.us',
      contactName: 'Kerry',
      timestamp: 1_700_000_000_000,
      type: 'text',
      text: 'hi',
    });
  });

  it('reads a tapped quick reply as its payload id and title, and the quoted message', () => {
    expect(
      parseTwilioInbound(
        inbound({
          Body: 'Tuesday',
          ButtonText: 'Tuesday',
          ButtonPayload: 'choice:2',
          MessageType: 'button',
          OriginalRepliedMessageSid: 'SMffffffffffffffffffffffffffffffff',
          OriginalRepliedMessageSender: 'whatsapp:+14155238886',
        }),
      ),
    ).toMatchObject({
      type: 'text',
      text: 'Tuesday',
      reply: { id: 'choice:2', title: 'Tuesday' },
      quotedMessageId: 'SMffffffffffffffffffffffffffffffff',
    });
  });

  it('reads media as a twilio-media: reference with its caption, and a location', () => {
    const url = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/MM1/Media/ME1`;
    expect(
      parseTwilioInbound(
        inbound({
          MessageSid: 'MM0123456789abcdef0123456789abcdef',
          NumMedia: '1',
          MediaUrl0: url,
          MediaContentType0: 'application/pdf',
          Body: 'my id',
        }),
      ),
    ).toMatchObject({
      messageId: 'MM0123456789abcdef0123456789abcdef',
      type: 'media',
      text: 'my id',
      media: { ref: `twilio-media:${url}`, mimeType: 'application/pdf' },
    });
    expect(
      parseTwilioInbound(
        inbound({
          Latitude: '40.4168',
          Longitude: '-3.7038',
          Label: 'Home',
          MessageType: 'location',
        }),
      ),
    ).toMatchObject({
      type: 'location',
      location: { latitude: 40.4168, longitude: -3.7038, name: 'Home' },
    });
  });

  it('gives nothing to answer for an empty message', () => {
    expect(parseTwilioInbound(inbound({ Body: '' }))).toBeUndefined();
  });

  it('refuses a form that is not a Twilio WhatsApp message, saying what it expected', () => {
    expect(() => parseTwilioInbound({ Body: 'hi' })).toThrow(TwilioWebhookError);
    expect(() => parseTwilioInbound({ Body: 'hi' })).toThrow(/AccountSid and MessageSid/);
    expect(() => parseTwilioInbound(inbound({ From: '+14155550123', Body: 'sms' }))).toThrow(
      /whatsapp:\+<digits>/,
    );
  });
});

describe('reading a Twilio status callback', () => {
  const status = (fields: Record<string, string>) => ({
    MessageSid: SID,
    SmsSid: SID,
    AccountSid: ACCOUNT,
    From: 'whatsapp:+14155238886',
    To: 'whatsapp:+14155550123',
    ChannelPrefix: 'whatsapp',
    ApiVersion: '2010-04-01',
    ...fields,
  });

  it('turns sent, delivered and read into acks', () => {
    for (const level of ['sent', 'delivered', 'read'] as const)
      expect(parseTwilioStatus(status({ MessageStatus: level }), 5)).toEqual({
        providerMessageId: SID,
        level,
        recipient: '14155550123',
        timestamp: 5,
      });
  });

  it('turns failed and undelivered into a failed ack with the reason in plain words', () => {
    expect(
      parseTwilioStatus(status({ MessageStatus: 'undelivered', ErrorCode: '63016' })),
    ).toMatchObject({
      level: 'failed',
      error: { code: 63016, reason: expect.stringContaining('template') },
    });
    expect(
      parseTwilioStatus(status({ MessageStatus: 'failed', ErrorCode: '63024' })),
    ).toMatchObject({ level: 'failed', error: { code: 63024 } });
    expect(parseTwilioStatus(status({ MessageStatus: 'failed' }))).toMatchObject({
      level: 'failed',
      error: { code: null },
    });
  });

  it('has no ack while the message is still inside Twilio', () => {
    for (const s of ['accepted', 'queued', 'sending', 'scheduled'])
      expect(parseTwilioStatus(status({ MessageStatus: s }))).toBeUndefined();
  });

  it('refuses a form without a sid or a status', () => {
    expect(() => parseTwilioStatus({ MessageStatus: 'sent' })).toThrow(TwilioWebhookError);
    expect(() => parseTwilioStatus(status({}))).toThrow(/MessageStatus/);
  });
});

describe('sending through the Twilio REST API', () => {
  const sender = 'whatsapp:+14155238886';

  it('writes text, media by URL and location as a maps link', () => {
    expect(
      toTwilioMessage({ to: '14155550123@c.us', type: 'text', text: 'hello' }, sender),
    ).toEqual({ To: 'whatsapp:+14155550123', From: 'whatsapp:+14155238886', Body: 'hello' });
    expect(
      toTwilioMessage(
        {
          to: '14155550123@c.us',
          type: 'media',
          mediaType: 'document',
          url: 'https://x/a.pdf',
          caption: 'c',
          fileName: 'a.pdf',
        },
        '+14155238886',
        { statusCallback: 'https://bot.example.com/status' },
      ),
    ).toEqual({
      To: 'whatsapp:+14155550123',
      From: 'whatsapp:+14155238886',
      StatusCallback: 'https://bot.example.com/status',
      MediaUrl: 'https://x/a.pdf',
      Body: 'c',
    });
    expect(
      toTwilioMessage(
        {
          to: '1631555@c.us',
          type: 'media',
          mediaType: 'audio',
          url: 'https://x/a.ogg',
          caption: 'c',
        },
        sender,
      ),
    ).not.toHaveProperty('Body');
    expect(
      toTwilioMessage(
        { to: '1631555@c.us', type: 'location', latitude: 40.4, longitude: -3.7, name: 'Office' },
        sender,
      ).Body,
    ).toBe('Office\nhttps://www.google.com/maps/search/?api=1&query=40.4,-3.7');
  });

  it('sends from a Messaging Service when the sender is one, and refuses a sender it cannot read', () => {
    const mg = 'MG0123456789abcdef0123456789abcdef';
    expect(toTwilioMessage({ to: '1631555@c.us', type: 'text', text: 'x' }, mg)).toEqual({
      To: 'whatsapp:+1631555',
      MessagingServiceSid: mg,
      Body: 'x',
    });
    expect(() => toTwilioMessage({ to: '1631555@c.us', type: 'text', text: 'x' }, 'bob')).toThrow(
      /not a Twilio WhatsApp sender/,
    );
  });

  it('writes a template as ContentSid with its variables as JSON', () => {
    expect(
      toTwilioTemplate(
        { to: '1631555@c.us', type: 'template', contentSid: 'HXabc', variables: ['Ana', '3 pm'] },
        sender,
      ),
    ).toEqual({
      To: 'whatsapp:+1631555',
      From: sender,
      ContentSid: 'HXabc',
      ContentVariables: '{"1":"Ana","2":"3 pm"}',
    });
    expect(
      toTwilioTemplate({ to: '1631555@c.us', type: 'template', contentSid: 'HXabc' }, sender),
    ).not.toHaveProperty('ContentVariables');
  });

  it('sends a flow’s template by its Content SID with the parameters as variables, else its text', () => {
    const template: Extract<OutboundMessage, { type: 'template' }> = {
      to: '1631555@c.us',
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      parameters: ['Ana', '3 pm'],
      text: 'Hi Ana, see you at 3 pm.',
    };
    expect(
      toTwilioMessage({ ...template, contentSid: 'HX0123456789abcdef0123456789abcdef' }, sender),
    ).toEqual({
      To: 'whatsapp:+1631555',
      From: sender,
      ContentSid: 'HX0123456789abcdef0123456789abcdef',
      ContentVariables: '{"1":"Ana","2":"3 pm"}',
    });
    expect(toTwilioMessage(template, sender)).toEqual({
      To: 'whatsapp:+1631555',
      From: sender,
      Body: 'Hi Ana, see you at 3 pm.',
    });
  });

  it("reads the sid out of Twilio's answer", () => {
    expect(twilioMessageSid({ sid: SID, status: 'queued' })).toBe(SID);
    expect(twilioMessageSid({ code: 21211 })).toBeUndefined();
    expect(twilioMessageSid('x')).toBeUndefined();
  });

  it("classifies Twilio's codes: rate limits and 5xx transient, the 24 h window and bad numbers permanent", () => {
    expect(classifyTwilioError(429, { code: 20429, status: 429 })).toMatchObject({
      transient: true,
    });
    expect(classifyTwilioError(400, { code: 63018 })).toMatchObject({ transient: true });
    expect(classifyTwilioError(503, 'gateway down')).toMatchObject({ code: null, transient: true });
    expect(classifyTwilioError(429, {})).toMatchObject({ transient: true });
    expect(classifyTwilioError(400, { code: 63016 })).toMatchObject({
      transient: false,
      reason: expect.stringContaining('template'),
    });
    for (const code of [63003, 21211, 21614])
      expect(classifyTwilioError(400, { code })).toMatchObject({
        transient: false,
        reason: expect.stringContaining('not a valid WhatsApp recipient'),
      });
    expect(classifyTwilioError(400, { code: 63007 }).reason).toMatch(/sender/);
    expect(classifyTwilioError(401, { code: 20003, status: 401 }).reason).toMatch(/Auth Token/);
    expect(classifyTwilioError(400, { code: 21610 }).reason).toMatch(/STOP/);
    expect(classifyTwilioError(400, { code: 63038 })).toMatchObject({
      transient: false,
      reason: expect.stringContaining('daily'),
    });
    expect(
      classifyTwilioError(400, {
        code: 99999,
        message: 'Something odd.',
        more_info: 'https://www.twilio.com/docs/errors/99999',
        status: 400,
      }),
    ).toEqual({
      code: 99999,
      transient: false,
      reason: 'Twilio refused the message (error 99999): Something odd.',
    });
  });
});
