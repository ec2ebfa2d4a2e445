import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeyring } from '@waflow/db';
import { issueAccessToken, verifyAccessToken } from './tokens.ts';

describe('access tokens', () => {
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  afterEach(() => vi.useRealTimers());

  it('verifies a token it issued, and refuses it once its 15 minutes are over even after a check passed', async () => {
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const token = await issueAccessToken(keyring, 'user-1');
    expect(await verifyAccessToken(keyring, token)).toBe('user-1');
    vi.setSystemTime(start + 14 * 60_000);
    expect(await verifyAccessToken(keyring, token)).toBe('user-1');
    vi.setSystemTime(start + 16 * 60_000);
    await expect(verifyAccessToken(keyring, token)).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('refuses a token signed with another key or altered', async () => {
    const other = createKeyring({ k1: randomBytes(32) }, 'k1');
    const token = await issueAccessToken(other, 'user-2');
    await expect(verifyAccessToken(keyring, token)).rejects.toMatchObject({ status: 401 });
    const mine = await issueAccessToken(keyring, 'user-3');
    const [h, p, s] = mine.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'admin', iat: 0, exp: 9_999_999_999 })).toString('base64url')}.${s}`;
    expect(p).toBeTruthy();
    await expect(verifyAccessToken(keyring, forged)).rejects.toMatchObject({ status: 401 });
  });
});
