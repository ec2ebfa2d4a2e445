// The four things a WhatsApp Cloud API number needs from Meta, with where to find each.
import type { CredentialSet } from './credential-fields.tsx';

export interface CloudApiCredentials {
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
}

export const cloudApiCredentials: CredentialSet<CloudApiCredentials> = {
  field: 'cloudApi',
  idPrefix: 'cloud-api',
  blank: { phoneNumberId: '', wabaId: '', accessToken: '', appSecret: '' },
  fields: [
    {
      key: 'phoneNumberId',
      label: 'Phone number ID',
      help: "In Meta's App Dashboard → WhatsApp → API Setup, under the number (not the phone number itself).",
      secret: false,
      numeric: true,
    },
    {
      key: 'wabaId',
      label: 'WhatsApp Business Account ID',
      help: 'On the same page, under the phone number ID.',
      secret: false,
      numeric: true,
    },
    {
      key: 'accessToken',
      label: 'Access token',
      help: 'A system user token (Business Settings → System users) with whatsapp_business_messaging. Stored encrypted, never shown again.',
      secret: true,
    },
    {
      key: 'appSecret',
      label: 'App secret',
      help: 'App settings → Basic → App secret: proves the webhooks come from Meta. Stored encrypted.',
      secret: true,
    },
  ],
};
