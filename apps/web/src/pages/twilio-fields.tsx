// The three things a Twilio WhatsApp number needs from the Twilio Console, with where to find each.
import type { CredentialSet } from './credential-fields.tsx';

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  sender: string;
}

export const twilioCredentials: CredentialSet<TwilioCredentials> = {
  field: 'twilio',
  idPrefix: 'twilio',
  blank: { accountSid: '', authToken: '', sender: '' },
  fields: [
    {
      key: 'accountSid',
      label: 'Account SID',
      help: 'In the Twilio Console, on the account dashboard under Account Info: AC and 32 characters.',
      secret: false,
    },
    {
      key: 'authToken',
      label: 'Auth token',
      help: 'Under Account Info, beside the Account SID: proves the webhooks come from Twilio. Stored encrypted, never shown again.',
      secret: true,
    },
    {
      key: 'sender',
      label: 'WhatsApp sender',
      help: 'Messaging → Senders → WhatsApp senders: the number as whatsapp:+14155238886, or a Messaging Service SID (MG…).',
      secret: false,
    },
  ],
};
