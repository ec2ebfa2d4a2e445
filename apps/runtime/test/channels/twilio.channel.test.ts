// The Twilio channel against the Channel contract, on the Twilio double.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTwilioInbound, waIdFromTwilioAddress } from '@waflow/channel/twilio';
import { inboundParams, startTwilioDouble } from '@waflow/testkit/twilio';
import { TwilioChannel } from '../../src/channels/twilio/twilio-channel.ts';
import { ServiceWindow } from '../../src/channels/provider/service-window.ts';
import { MediaStorage } from '@waflow/channel';
import { runChannelContract, type NetworkMessage } from './channel.case.test.ts';

const ACCOUNT_SID = `AC${'1a'.repeat(16)}`;
const AUTH_TOKEN = '0123456789abcdef'.repeat(2);
const SENDER = 'whatsapp:+14155238886';

runChannelContract('Twilio', async () => {
  const twilio = await startTwilioDouble({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    senders: [SENDER],
  });
  const channel = new TwilioChannel({
    numberId: '00000000-0000-4000-8000-000000000003',
    credentials: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, sender: SENDER },
    config: { baseUrl: twilio.baseUrl },
    // Every contact wrote a moment ago: the 24-hour window is the provider tests' subject.
    window: new ServiceWindow(async () => Date.now(), Date.now),
    media: new MediaStorage(mkdtempSync(join(tmpdir(), 'contract-media-'))),
  });
  const target = {
    url: 'http://unused.test',
    authToken: AUTH_TOKEN,
    accountSid: ACCOUNT_SID,
    to: SENDER,
  };
  return {
    channel,
    ready: async () => undefined,
    received: async () =>
      twilio.sends.map(({ params }): NetworkMessage => {
        const to = waIdFromTwilioAddress(params.To) ?? '';
        const text = params.Body ?? '';
        // Twilio has no location message: the channel sends its name and a maps link.
        if (params.MediaUrl) return { to, kind: 'image', text };
        if (text.includes('google.com/maps')) return { to, kind: 'location', text };
        return { to, kind: 'text', text };
      }),
    contactWrites: async (from, text) => {
      const { params } = inboundParams(
        target,
        { waId: from, name: 'Contact' },
        { kind: 'text', text },
      );
      const message = parseTwilioInbound(params);
      if (!message) throw new Error('the webhook carried no message');
      return channel.withMedia(message);
    },
    failNext: async (transient) => twilio.failNext(1, transient ? 20429 : 63016),
    imageUrl: 'https://example.test/map.png',
    close: () => twilio.close(),
  };
});
