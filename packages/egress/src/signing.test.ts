import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, isWebhookSecret, signatureHeaders } from './signing.ts';

describe('Standard Webhooks signing, verified with the official library', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({
    type: 'conversation.completed',
    data: { email: 'ana@example.com' },
  });
  const now = Math.floor(Date.now() / 1000);

  it('makes secrets of whsec_ and at least 24 random bytes', () => {
    expect(isWebhookSecret(secret)).toBe(true);
    expect(secret).not.toBe(generateWebhookSecret());
    expect(isWebhookSecret('whsec_c2hvcnQ=')).toBe(false);
  });

  it('produces headers the standardwebhooks library accepts', () => {
    const headers = signatureHeaders([secret], 'msg_1', now, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('is refused for a tampered body', () => {
    const headers = signatureHeaders([secret], 'msg_1', now, body);
    expect(() => new Webhook(secret).verify(body.replace('ana', 'eve'), headers)).toThrow();
  });

  it('is refused under a wrong secret', () => {
    const headers = signatureHeaders([secret], 'msg_1', now, body);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('is refused with a stale timestamp', () => {
    const headers = signatureHeaders([secret], 'msg_1', now - 60 * 60, body);
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/timestamp/i);
  });

  it('verifies under the old and the new key during a rotation', () => {
    const next = generateWebhookSecret();
    const headers = signatureHeaders([next, secret], 'msg_2', now, body);
    expect(new Webhook(next).verify(body, headers)).toBeTruthy();
    expect(new Webhook(secret).verify(body, headers)).toBeTruthy();
  });
});
