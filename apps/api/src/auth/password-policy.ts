// What a new password must be: 10 to 200 characters and not one of the commonest passwords
// (common-passwords.txt), which are the ones guessed first. Applies wherever a password is
// chosen: first-run setup, a new account from an invite, changing and resetting a password.
import { readFileSync } from 'node:fs';
import { z } from 'zod/v4';

const common = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#')),
);

/** Whether a password is on the list, ignoring case and spaces ("Qwerty Uiop" is "qwertyuiop"). */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  return common.has(lower) || common.has(lower.replace(/\s+/g, ''));
}

export const newPassword = z
  .string()
  .min(10, 'use at least 10 characters')
  .max(200, 'use at most 200 characters')
  .refine(
    (p) => !isCommonPassword(p),
    'this is one of the most common passwords, the first ones an attacker tries: choose another (a few unrelated words make a strong one)',
  );
