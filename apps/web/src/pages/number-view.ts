// A number as the API lists it, and how the Numbers page words its channel, status and phone.

export type Channel = 'whatsapp' | 'sandbox' | 'cloud_api' | 'twilio';

export interface NumberRow {
  id: string;
  label: string;
  channel: Channel;
  phone: string | null;
  status: 'new' | 'qr' | 'authenticated' | 'ready' | 'disconnected' | 'logged_out';
  flowId: string | null;
  lastError: string | null;
  restartCount: number;
}

/** What a Cloud API number's page shows to paste into Meta's dashboard (never the secrets). */
export interface CloudApiConnection {
  phoneNumberId: string | null;
  wabaId: string | null;
  webhookUrl: string;
  verifyToken: string | null;
}

/** What a Twilio number's page shows to set on its WhatsApp sender (never the auth token). */
export interface TwilioConnection {
  accountSid: string | null;
  sender: string | null;
  webhookUrl: string;
  statusCallbackUrl: string;
}

/** GET number (and POST's 201): a Cloud API or Twilio number comes with its connection. */
export type NumberDetail = NumberRow & {
  cloudApi?: CloudApiConnection;
  twilio?: TwilioConnection;
};

export const CHANNEL: Record<Channel, string> = {
  whatsapp: 'WhatsApp Web',
  sandbox: 'Sandbox',
  cloud_api: 'Cloud API',
  twilio: 'Twilio',
};

export const STATUS: Record<
  NumberRow['status'],
  { text: string; tone: 'neutral' | 'good' | 'warn' | 'bad' }
> = {
  new: { text: 'Connecting', tone: 'neutral' },
  qr: { text: 'Scan the QR code', tone: 'warn' },
  authenticated: { text: 'Connecting', tone: 'neutral' },
  ready: { text: 'Ready', tone: 'good' },
  disconnected: { text: 'Disconnected', tone: 'bad' },
  logged_out: { text: 'Logged out', tone: 'bad' },
};

/** WhatsApp Web reports digits (`34600111222`), Meta its display form (`+1 555-0100`). */
export function phoneText(n: Pick<NumberRow, 'phone' | 'channel'>): string {
  if (n.phone) return n.phone.startsWith('+') ? n.phone : `+${n.phone}`;
  if (n.channel === 'sandbox') return 'Sandbox (test) number';
  if (n.channel === 'whatsapp') return 'Not linked yet';
  return 'Not connected yet';
}
