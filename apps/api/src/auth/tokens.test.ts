import { createHmac, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeyring } from '@waflow/db';
import { issueAccessToken, verifyAccessToken } from './tokens.ts';

describe('access tokens', () => {
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  afterEach(() => vi.useRealTimers());

  it('verifies a token it issued, and refuses it once its 15 minutes are over even after a check passed', async () => {
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    const token = await issueAccessToken(keyring, 'user-1', 'session-1');
    expect(await verifyAccessToken(keyring, token)).toEqual({
      userId: 'user-1',
      sessionId: 'session-1',
    });
    vi.setSystemTime(start + 14 * 60_000);
    expect(await verifyAccessToken(keyring, token)).toEqual({
      userId: 'user-1',
      sessionId: 'session-1',
    });
    vi.setSystemTime(start + 16 * 60_000);
    await expect(verifyAccessToken(keyring, token)).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });

  it('refuses a token signed with another key or altered', async () => {
    const other = createKeyring({ k1: randomBytes(32) }, 'k1');
    const token = await issueAccessToken(other, 'user-2', 's');
    await expect(verifyAccessToken(keyring, token)).rejects.toMatchObject({ status: 401 });
    const mine = await issueAccessToken(keyring, 'user-3', 's');
    const [h, p, s] = mine.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'admin', iat: 0, exp: 9_999_999_999 })).toString('base64url')}.${s}`;
    expect(p).toBeTruthy();
    await expect(verifyAccessToken(keyring, forged)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a valid token with an extra segment, padding or another spelling of its signature', async () => {
    const token = await issueAccessToken(keyring, 'user-4', 's');
    const signature = token.split('.')[2] ?? '';
    // The last of 43 characters carries 2 spare bits: flipping one spells the same bytes.
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = `${token.slice(0, -1)}${last[last.indexOf(signature.at(-1) ?? 'A') ^ 1]}`;
    expect(
      Buffer.from(respelled.split('.')[2] ?? '', 'base64url').equals(
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
    for (const bad of [
      `${token}.`,
      `${token}.extra`,
      `${token}=`,
      `${token}==`,
      ` ${token}`,
      respelled,
    ]) {
      await expect(verifyAccessToken(keyring, bad), bad.slice(-8)).rejects.toMatchObject({
        status: 401,
      });
    }
    expect((await verifyAccessToken(keyring, token)).userId).toBe('user-4');
  });

  it('refuses a token without a session id (issued before sessions were checked)', async () => {
    const [h] = (await issueAccessToken(keyring, 'user-5', 's')).split('.');
    const body = `${h}.${Buffer.from(JSON.stringify({ sub: 'user-5', iat: 0, exp: 9_999_999_999 })).toString('base64url')}`;
    const signed = `${body}.${createHmac('sha256', keyring.derive('access-token')).update(body).digest('base64url')}`;
    await expect(verifyAccessToken(keyring, signed)).rejects.toMatchObject({ status: 401 });
  });
});
