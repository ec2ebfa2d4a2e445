// The API's configuration: read once, every wrong value named with what to set.
import { describe, expect, it } from 'vitest';
import { readEnv } from './env.ts';

describe('the API environment', () => {
  it('supervises WhatsApp workers unless told off, and reads the host’s lease settings', () => {
    expect(readEnv({})).toMatchObject({ whatsappWorkers: true, lease: { ttlMs: 15_000 } });
    expect(
      readEnv({
        WAFLOW_WHATSAPP_WORKERS: 'off',
        WAFLOW_HOST_ID: 'api-1',
        WAFLOW_NUMBERS_PER_HOST: '4',
      }),
    ).toMatchObject({
      whatsappWorkers: false,
      lease: { hostId: 'api-1', ttlMs: 15_000, capacity: 4 },
    });
  });

  it('refuses a lease TTL that is not a number, instead of supervising with NaN', () => {
    expect(() =>
      readEnv({ WAFLOW_LEASE_TTL_MS: 'soon', WAFLOW_WHATSAPP_WORKERS: 'maybe' }),
    ).toThrow(
      /WAFLOW_WHATSAPP_WORKERS must be "on" or "off" \(got "maybe"\)[\s\S]*WAFLOW_LEASE_TTL_MS must be a positive whole number \(got "soon"\)/,
    );
  });
});
