// Secrets at rest (webhook secrets, WhatsApp session archives): AES-256-GCM with a key ring.
// A ciphertext names the key that made it, so data written under a rotated-out key still
// decrypts while that key stays in the ring. Two encodings of the same fields:
//   text (text columns):    `v1.<keyId>.<iv>.<tag>.<data>`, base64url parts
//   bytes (bytea columns):  0x01 | keyId length (1 byte) | keyId | iv (12) | tag (16) | data
// The key id is also the AAD, so a ciphertext cannot be relabelled to another key.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class CryptoError extends Error {
  constructor(
    readonly code:
      | 'SECRET_KEY_INVALID'
      | 'CIPHERTEXT_INVALID'
      | 'CIPHERTEXT_UNKNOWN_KEY'
      | 'CIPHERTEXT_TAMPERED',
    message: string,
  ) {
    super(message);
  }
}

export interface Keyring {
  readonly currentKeyId: string;
  /** Text ciphertext, for text columns (webhook secrets). */
  encrypt(plaintext: Buffer | string): string;
  decrypt(ciphertext: string): Buffer;
  decryptText(ciphertext: string): string;
  /** Binary ciphertext, for bytea columns (session archives): no base64 overhead. */
  encryptBytes(plaintext: Buffer | string): Buffer;
  decryptBytes(ciphertext: Buffer | Uint8Array): Buffer;
  /** The key id a ciphertext (text or binary) was made with. */
  keyIdOf(ciphertext: string | Buffer | Uint8Array): string;
  /** Re-encrypts under the current key (after a rotation); unchanged when already current. */
  reencrypt(ciphertext: string): string;
  reencryptBytes(ciphertext: Buffer | Uint8Array): Buffer;
  /** A 32-byte key for one purpose (e.g. signing access tokens), derived from the current key with HKDF. */
  derive(purpose: string): Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BYTES_VERSION = 1;

interface Sealed {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

function parseText(ciphertext: string): Sealed {
  const parts = ciphertext.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1')
    throw new CryptoError('CIPHERTEXT_INVALID', 'not a waflow ciphertext');
  const [, keyId = '', iv = '', tag = '', data = ''] = parts;
  return {
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    data: Buffer.from(data, 'base64url'),
  };
}

function parseBytes(input: Buffer | Uint8Array): Sealed {
  const buf = Buffer.isBuffer(input)
    ? input
    : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const idLength = buf[1] ?? 0;
  const ivStart = 2 + idLength;
  if (buf[0] !== BYTES_VERSION || idLength === 0 || buf.length < ivStart + IV_BYTES + TAG_BYTES) {
    throw new CryptoError('CIPHERTEXT_INVALID', 'not a waflow binary ciphertext');
  }
  return {
    keyId: buf.subarray(2, ivStart).toString('utf8'),
    iv: buf.subarray(ivStart, ivStart + IV_BYTES),
    tag: buf.subarray(ivStart + IV_BYTES, ivStart + IV_BYTES + TAG_BYTES),
    data: buf.subarray(ivStart + IV_BYTES + TAG_BYTES),
  };
}

export interface KeyringOptions {
  keys: Record<string, Buffer>;
  /** The key id new ciphertexts are made with. */
  current: string;
}

/** `createKeyring({ keys, current })`, or positionally `createKeyring(keys, current)`. */
export function createKeyring(options: KeyringOptions): Keyring;
export function createKeyring(keys: Record<string, Buffer>, current: string): Keyring;
export function createKeyring(
  first: KeyringOptions | Record<string, Buffer>,
  second?: string,
): Keyring {
  const { keys, current } =
    second === undefined ? toOptions(first) : { keys: toKeys(first), current: second };
  for (const [id, key] of Object.entries(keys)) {
    if (!KEY_ID.test(id))
      throw new CryptoError(
        'SECRET_KEY_INVALID',
        `key id "${id}" may only hold letters, digits, - and _`,
      );
    if (key.length !== 32)
      throw new CryptoError(
        'SECRET_KEY_INVALID',
        `key "${id}" must be 32 bytes (base64 of 32 random bytes), not ${key.length}`,
      );
  }
  const found = keys[current];
  if (!found)
    throw new CryptoError(
      'SECRET_KEY_INVALID',
      `the current key "${current}" is not in the key ring`,
    );
  const currentKey: Buffer = found;

  function seal(plaintext: Buffer | string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
    cipher.setAAD(Buffer.from(current));
    const data = Buffer.concat([
      cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext),
      cipher.final(),
    ]);
    return { keyId: current, iv, tag: cipher.getAuthTag(), data };
  }

  function open({ keyId, iv, tag, data }: Sealed): Buffer {
    const key = keys[keyId];
    if (!key)
      throw new CryptoError(
        'CIPHERTEXT_UNKNOWN_KEY',
        `the key "${keyId}" this was encrypted with is not in WAFLOW_SECRET_KEY any more`,
      );
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new CryptoError('CIPHERTEXT_INVALID', 'not a waflow ciphertext');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(keyId));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new CryptoError(
        'CIPHERTEXT_TAMPERED',
        'the ciphertext was changed or its key is wrong',
      );
    }
  }

  const ring: Keyring = {
    currentKeyId: current,
    encrypt(plaintext) {
      const { keyId, iv, tag, data } = seal(plaintext);
      return [
        'v1',
        keyId,
        iv.toString('base64url'),
        tag.toString('base64url'),
        data.toString('base64url'),
      ].join('.');
    },
    decrypt: (c) => open(parseText(c)),
    decryptText: (c) => ring.decrypt(c).toString('utf8'),
    encryptBytes(plaintext) {
      const { keyId, iv, tag, data } = seal(plaintext);
      const id = Buffer.from(keyId, 'utf8');
      return Buffer.concat([Buffer.from([BYTES_VERSION, id.length]), id, iv, tag, data]);
    },
    decryptBytes: (c) => open(parseBytes(c)),
    keyIdOf: (c) => (typeof c === 'string' ? parseText(c) : parseBytes(c)).keyId,
    reencrypt: (c) => (parseText(c).keyId === current ? c : ring.encrypt(ring.decrypt(c))),
    reencryptBytes: (c) =>
      parseBytes(c).keyId === current ? Buffer.from(c) : ring.encryptBytes(ring.decryptBytes(c)),
    derive: (purpose) =>
      Buffer.from(hkdfSync('sha256', currentKey, Buffer.from('waflow'), Buffer.from(purpose), 32)),
  };
  return ring;
}

function isOptions(value: KeyringOptions | Record<string, Buffer>): value is KeyringOptions {
  return (
    'keys' in value &&
    'current' in value &&
    typeof value.current === 'string' &&
    !Buffer.isBuffer(value.keys)
  );
}

function toOptions(value: KeyringOptions | Record<string, Buffer>): KeyringOptions {
  if (!isOptions(value))
    throw new CryptoError(
      'SECRET_KEY_INVALID',
      'createKeyring needs { keys, current } or (keys, current)',
    );
  return value;
}

function toKeys(value: KeyringOptions | Record<string, Buffer>): Record<string, Buffer> {
  if (isOptions(value))
    throw new CryptoError(
      'SECRET_KEY_INVALID',
      'createKeyring({ keys, current }) takes no second argument',
    );
  return value;
}

/**
 * The key ring from WAFLOW_SECRET_KEY: one base64 key (id "k1"), or several `id:base64` separated
 * by commas, the first being current (rotation: put the new key first, keep the old ones after).
 * Unset: a key is generated once and kept in `<dataDir>/secret.key` (mode 0600); `generated`
 * tells the caller to log that it did.
 */
export function loadKeyring(
  env: string | undefined,
  dataDir: string,
): { keyring: Keyring; generated: boolean; source: 'env' | 'file' } {
  let generated = false;
  let spec = env?.trim();
  let source: 'env' | 'file' = 'env';
  if (!spec) {
    source = 'file';
    const file = join(dataDir, 'secret.key');
    if (existsSync(file)) spec = readFileSync(file, 'utf8').trim();
    else {
      mkdirSync(dataDir, { recursive: true });
      spec = `k1:${randomBytes(32).toString('base64')}`;
      writeFileSync(file, `${spec}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      generated = true;
    }
  }
  const keys: Record<string, Buffer> = {};
  let current = '';
  for (const [i, part] of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .entries()) {
    const colon = part.indexOf(':');
    const id = colon > 0 ? part.slice(0, colon) : `k${i + 1}`;
    const b64 = colon > 0 ? part.slice(colon + 1) : part;
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) {
      throw new CryptoError(
        'SECRET_KEY_INVALID',
        `WAFLOW_SECRET_KEY: key "${id}" is not 32 bytes of base64; make one with: openssl rand -base64 32`,
      );
    }
    keys[id] = key;
    if (i === 0) current = id;
  }
  if (!current)
    throw new CryptoError(
      'SECRET_KEY_INVALID',
      'WAFLOW_SECRET_KEY is empty; make a key with: openssl rand -base64 32',
    );
  return { keyring: createKeyring({ keys, current }), generated, source };
}
