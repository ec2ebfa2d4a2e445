// A WhatsApp Cloud API number's connection: the callback URL and verify token to paste into
// Meta's App Dashboard, and a check that reads the number from Meta with the saved token.
import { cloudApiCredentials, type CloudApiCredentials } from './cloud-api-fields.tsx';
import {
  ConnectionPanel,
  notConnected,
  type CheckFailure,
  type PanelProps,
  type Provider,
} from './connection-panel.tsx';
import type { CloudApiConnection } from './number-view.ts';

export type CloudApiCheck =
  | { ok: true; displayPhoneNumber: string; verifiedName: string; qualityRating?: string }
  | CheckFailure;

const QUALITY: Record<string, string> = { GREEN: 'high', YELLOW: 'medium', RED: 'low' };

export const cloudApiProvider: Provider<CloudApiConnection, CloudApiCredentials, CloudApiCheck> = {
  path: 'cloud-api',
  name: 'Meta',
  testId: 'cloud-api-panel',
  values: (c) => [
    { label: 'Callback URL', value: c.webhookUrl, testId: 'callback-url' },
    { label: 'Verify token', value: c.verifyToken ?? '', testId: 'verify-token' },
  ],
  httpsNeeded:
    'Meta only calls https:// addresses: serve waflow over https and set WAFLOW_PUBLIC_URL to that address.',
  steps: [
    "In Meta's App Dashboard → WhatsApp → Configuration, edit the webhook.",
    'Paste the callback URL and the verify token, then Verify and save.',
    'Under Webhook fields, subscribe to the messages field.',
  ],
  credentials: cloudApiCredentials,
  prefill: (c) => ({ phoneNumberId: c.phoneNumberId ?? '', wabaId: c.wabaId ?? '' }),
  replaceNote: 'All four, as Meta shows them now. The callback URL and verify token stay the same.',
  describe: (r) => {
    if (!r.ok) return { ok: false, text: notConnected(r, 'Meta') };
    const quality = r.qualityRating
      ? ` Quality rating: ${QUALITY[r.qualityRating] ?? r.qualityRating.toLowerCase()}.`
      : '';
    const name = r.verifiedName ? ` (${r.verifiedName})` : '';
    return {
      ok: true,
      text: `Connected: Meta knows this number as ${r.displayPhoneNumber}${name}.${quality}`,
    };
  },
};

export function CloudApiPanel(props: PanelProps<CloudApiCheck>) {
  return <ConnectionPanel provider={cloudApiProvider} {...props} />;
}
