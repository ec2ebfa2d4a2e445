// A Twilio number's connection: the incoming-message webhook and the status callback URL to set
// on the WhatsApp sender in the Twilio Console, and a check that reads the Twilio account with the
// saved Account SID and auth token.
import {
  ConnectionPanel,
  notConnected,
  type CheckFailure,
  type PanelProps,
  type Provider,
} from './connection-panel.tsx';
import type { TwilioConnection } from './number-view.ts';
import { twilioCredentials, type TwilioCredentials } from './twilio-fields.tsx';

/** The account as Twilio reads it; `ok` is false when it is suspended or closed. */
export type TwilioCheck =
  { ok: boolean; sid: string; friendlyName: string; status: string; type: string } | CheckFailure;

export const twilioProvider: Provider<TwilioConnection, TwilioCredentials, TwilioCheck> = {
  path: 'twilio',
  name: 'Twilio',
  testId: 'twilio-panel',
  values: (c) => [
    {
      label: 'When a message comes in',
      name: 'Webhook URL',
      value: c.webhookUrl,
      testId: 'webhook-url',
    },
    { label: 'Status callback URL', value: c.statusCallbackUrl, testId: 'status-callback-url' },
  ],
  httpsNeeded:
    'Twilio needs a public https:// URL to post to: serve waflow over https and set WAFLOW_PUBLIC_URL to that address.',
  steps: [
    "In the Twilio Console → Messaging → Senders → WhatsApp senders, open your sender and paste the URL under 'Webhook URL for incoming messages' (HTTP POST).",
    "Paste the status callback URL under 'Status callback URL': deliveries, reads and failures reach waflow.",
    'Save the sender.',
  ],
  credentials: twilioCredentials,
  prefill: (c) => ({ accountSid: c.accountSid ?? '', sender: c.sender ?? '' }),
  replaceNote: 'All three, as the Twilio Console shows them now. The two URLs stay the same.',
  describe: (r) => {
    if ('detail' in r) return { ok: false, text: notConnected(r, 'Twilio') };
    const account = r.friendlyName ? `“${r.friendlyName}” (${r.sid})` : r.sid;
    if (!r.ok)
      return {
        ok: false,
        text: `Not connected: the Twilio account ${account} is ${r.status}; reactivate it in the Twilio Console.`,
      };
    const trial =
      r.type.toLowerCase() === 'trial'
        ? ' It is a trial account: it only sends to numbers verified in the Twilio Console.'
        : '';
    return {
      ok: true,
      text: `Connected: the saved Account SID and auth token open the Twilio account ${account}.${trial}`,
    };
  },
};

export function TwilioPanel(props: PanelProps<TwilioCheck>) {
  return <ConnectionPanel provider={twilioProvider} {...props} />;
}
