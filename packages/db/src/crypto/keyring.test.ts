import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyring, loadKeyring } from './keyring.ts';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe('keyring', () => {
  it('round-trips text and bytes', () => {
    const ring = createKeyring({ k1 }, 'k1');
    expect(ring.decryptText(ring.encrypt('whsec_secret'))).toBe('whsec_secret');
    const bytes = randomBytes(5000);
    expect(ring.decrypt(ring.encrypt(bytes)).equals(bytes)).toBe(true);
    expect(ring.encrypt('same')).not.toBe(ring.encrypt('same'));
  });

  it('rejects a tampered ciphertext', () => {
    const ring = createKeyring({ k1 }, 'k1');
    const parts = ring.encrypt('secret').split('.');
    const data = Buffer.from(parts[4] ?? '', 'base64url');
    data[0] = (data[0] ?? 0) ^ 1;
    parts[4] = data.toString('base64url');
    expect(() => ring.decrypt(parts.join('.'))).toThrow(
      expect.objectContaining({ code: 'CIPHERTEXT_TAMPERED' }),
    );
    expect(() => ring.decrypt('v1.k1.nope')).toThrow(
      expect.objectContaining({ code: 'CIPHERTEXT_INVALID' }),
    );
  });

  it('decrypts data written under a rotated-out key and re-encrypts it under the new one', () => {
    const old = createKeyring({ k1 }, 'k1').encrypt('session archive');
    const rotated = createKeyring({ k2, k1 }, 'k2');
    expect(rotated.decryptText(old)).toBe('session archive');
    const fresh = rotated.reencrypt(old);
    expect(rotated.keyIdOf(fresh)).toBe('k2');
    expect(() => createKeyring({ k2 }, 'k2').decrypt(old)).toThrow(
      expect.objectContaining({ code: 'CIPHERTEXT_UNKNOWN_KEY' }),
    );
  });

  it('round-trips binary ciphertexts and refuses a tampered one', () => {
    const ring = createKeyring({ keys: { k1 }, current: 'k1' });
    const archive = randomBytes(100_000);
    const sealed = ring.encryptBytes(archive);
    expect(sealed.length).toBe(archive.length + 2 + 2 + 12 + 16);
    expect(ring.keyIdOf(sealed)).toBe('k1');
    expect(ring.decryptBytes(new Uint8Array(sealed)).equals(archive)).toBe(true);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => ring.decryptBytes(tampered)).toThrow(
      expect.objectContaining({ code: 'CIPHERTEXT_TAMPERED' }),
    );
    const relabelled = Buffer.from(sealed);
    relabelled[3] = 'x'.charCodeAt(0); // "k1" → "kx": the key id is authenticated too
    expect(() =>
      createKeyring({ keys: { k1, kx: k1 }, current: 'k1' }).decryptBytes(relabelled),
    ).toThrow(expect.objectContaining({ code: 'CIPHERTEXT_TAMPERED' }));
    expect(() => ring.decryptBytes(Buffer.from('not sealed'))).toThrow(
      expect.objectContaining({ code: 'CIPHERTEXT_INVALID' }),
    );
  });

  it('re-encrypts a binary ciphertext from a rotated-out key under the current one', () => {
    const old = createKeyring({ keys: { k1 }, current: 'k1' }).encryptBytes('session');
    const rotated = createKeyring({ keys: { k2, k1 }, current: 'k2' });
    const fresh = rotated.reencryptBytes(old);
    expect(rotated.keyIdOf(fresh)).toBe('k2');
    expect(createKeyring({ keys: { k2 }, current: 'k2' }).decryptBytes(fresh).toString()).toBe(
      'session',
    );
    expect(rotated.reencryptBytes(fresh).equals(fresh)).toBe(true);
  });

  it('refuses a key that is not 32 bytes or a current key missing from the ring', () => {
    expect(() => createKeyring({ keys: { k1: randomBytes(16) }, current: 'k1' })).toThrow(
      expect.objectContaining({ code: 'SECRET_KEY_INVALID' }),
    );
    expect(() => createKeyring({ keys: { k1 }, current: 'k9' })).toThrow(/not in the key ring/);
  });

  it('reads several keys from WAFLOW_SECRET_KEY, the first being current', () => {
    const { keyring } = loadKeyring(
      `new:${k2.toString('base64')}, old:${k1.toString('base64')}`,
      '/nonexistent',
    );
    expect(keyring.currentKeyId).toBe('new');
  });

  it('generates and keeps a key in the data folder when none is configured', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waflow-key-'));
    const first = loadKeyring(undefined, dir);
    expect(first.generated).toBe(true);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const second = loadKeyring('', dir);
    expect(second.generated).toBe(false);
    expect(second.keyring.decryptText(first.keyring.encrypt('x'))).toBe('x');
    expect(readFileSync(join(dir, 'secret.key'), 'utf8')).toMatch(/^k1:/);
  });

  it('says how to make a key when the configured one is wrong', () => {
    expect(() => loadKeyring('short', '/tmp')).toThrow(/openssl rand -base64 32/);
    expect(() =>
      loadKeyring(`k1:${k1.toString('base64')},bad id:${k2.toString('base64')}`, '/tmp'),
    ).toThrow(expect.objectContaining({ code: 'SECRET_KEY_INVALID' }));
  });
});
