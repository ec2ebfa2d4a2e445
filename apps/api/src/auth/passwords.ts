// Password hashing (argon2id). `passwords` is the one way every route hashes and checks a
// password, so a test can count the checks; `checkPassword` checks an unknown account against a
// dummy hash, so an unknown email costs the same argon2 work as a known one and timing does not
// tell which emails have an account.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const passwords = {
  hash: (password: string): Promise<string> => hash(password),
  verify: (passwordHash: string, password: string): Promise<boolean> =>
    verify(passwordHash, password).catch(() => false),
};

// Hashed once, with the same parameters as every real hash, from a password nobody knows.
let dummy: Promise<string> | undefined;

/** True when `password` matches `passwordHash`; with no hash (no such account), false after the same work. */
export async function checkPassword(
  passwordHash: string | undefined,
  password: string,
): Promise<boolean> {
  const ok = await passwords.verify(
    passwordHash ?? (await (dummy ??= passwords.hash(randomBytes(32).toString('base64url')))),
    password,
  );
  return ok && passwordHash !== undefined;
}
