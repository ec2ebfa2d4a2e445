// Every check of a password someone types to prove who they are (signing in, joining a workspace
// with an existing account, changing one's password) goes through one guard, so they share one
// throttle: per account with exponential backoff (never locked for more than a minute, yet after
// the first 5 misses at most one guess a minute), and per client address (WAFLOW_TRUST_PROXY says
// which proxies' X-Forwarded-For to believe). Unknown emails and disabled accounts take the same
// path as a wrong password, argon2 work included. In memory: one API process (see the README).
import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { schema } from '@waflow/db';
import type { AppEnv, Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import { BackoffLimiter } from './backoff-limiter.ts';
import { clientAddress, trustNoProxy } from './client-address.ts';
import { checkPassword } from './passwords.ts';

export type UserRow = typeof schema.users.$inferSelect;

const inWords = (s: number) =>
  s < 60 ? `${s} second${s === 1 ? '' : 's'}` : `${Math.ceil(s / 60)} minute(s)`;

export class SignInGuard {
  readonly perAccount = new BackoffLimiter({
    free: 5,
    baseMs: 1_000,
    maxMs: 60_000,
    forgetMs: 15 * 60_000,
    maxKeys: 10_000,
  });
  readonly perClient = new BackoffLimiter({
    free: 20,
    baseMs: 1_000,
    maxMs: 15 * 60_000,
    forgetMs: 60 * 60_000,
    maxKeys: 10_000,
  });

  constructor(private readonly deps: Deps) {}

  /** The account when the password is its own; else `failure()` is thrown (429 while backing off). */
  async check(
    c: Context<AppEnv>,
    email: string,
    password: string,
    failure: () => AppError,
  ): Promise<UserRow> {
    const account = email.trim().toLowerCase();
    const client = clientAddress(c, this.deps.trustedProxies ?? trustNoProxy);
    const now = Date.now();
    const wait = Math.max(
      this.perAccount.retryAfter(account, now),
      this.perClient.retryAfter(client, now),
    );
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new AppError(
        429,
        'TOO_MANY_ATTEMPTS',
        `Too many failed sign-ins: try again in ${inWords(wait)}.`,
      );
    }
    const [user] = await this.deps.client.db
      .select()
      .from(schema.users)
      .where(sql`lower(${schema.users.email}) = ${account}`);
    const ok = await checkPassword(user?.passwordHash, password);
    if (!user || !ok || user.disabled) {
      this.perAccount.fail(account, now);
      this.perClient.fail(client, now);
      throw failure();
    }
    this.perAccount.clear(account);
    return user;
  }
}
