// What every request handler can reach: the database, the key ring, the runtime (embedded in
// `npm start`; absent when the runtime runs in other processes), and the caller once known.
import type { Coordinator } from '@waflow/coord';
import type { DbClient, Keyring } from '@waflow/db';
import type { EgressPolicy, Runtime } from '@waflow/runtime';
import type { Logger } from 'pino';
import type { TrustedProxies } from './auth/client-address.ts';

export type Role = 'owner' | 'admin' | 'editor' | 'viewer';

export interface Deps {
  client: DbClient;
  keyring: Keyring;
  log: Logger;
  runtime?: Runtime;
  /** The conversation coordinator (Redis when configured): /ready reports on it. */
  coord?: Coordinator;
  /** Secure cookies (https); off for http://127.0.0.1 in development and tests. */
  secureCookies?: boolean;
  webOrigin?: string;
  /** Reverse proxies whose X-Forwarded-For is believed (WAFLOW_TRUST_PROXY); none by default. */
  trustedProxies?: TrustedProxies;
  /** Where webhooks and http blocks may call (the runtime enforces it; the API checks at save). */
  egressPolicy?: EgressPolicy;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    userId: string;
    /** The caller's session (refresh-token family), set with userId. */
    sessionId: string;
    workspaceId: string;
    role: Role;
    /** Set for integrator calls (API key) instead of userId/role. */
    apiKeyId: string;
  };
}
