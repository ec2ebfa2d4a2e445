// Standard Webhooks v1 signatures: `webhook-id`, `webhook-timestamp`, `webhook-signature`
// (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the base64 part of `whsec_…`).
// During a secret rotation both keys sign, space-separated, so receivers on either key verify.
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new endpoint secret: `whsec_` + 32 random bytes, base64. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

export function isWebhookSecret(value: string): boolean {
  if (!value.startsWith(PREFIX)) return false;
  return Buffer.from(value.slice(PREFIX.length), 'base64').length >= 24;
}

function key(secret: string): Buffer {
  if (!isWebhookSecret(secret))
    throw new Error('a webhook secret is "whsec_" followed by at least 24 bytes in base64');
  return Buffer.from(secret.slice(PREFIX.length), 'base64');
}

export function sign(secret: string, id: string, timestampSec: number, body: string): string {
  const mac = createHmac('sha256', key(secret))
    .update(`${id}.${timestampSec}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one attempt. `secrets`: the current secret first, then any still in grace. */
export function signatureHeaders(
  secrets: readonly string[],
  id: string,
  timestampSec: number,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  if (secrets.length === 0) throw new Error('an endpoint needs a secret to sign with');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': secrets.map((s) => sign(s, id, timestampSec, body)).join(' '),
  };
}
