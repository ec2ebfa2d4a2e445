// What every request handler can reach: the database, the key ring, the runtime (embedded in
// `npm start`; absent when the runtime runs in other processes), and the caller once known.
import type { Coordinator } from '@waflow/coord';
import type { DbClient, Keyring } from '@waflow/db';
import type { EgressPolicy } from '@waflow/egress';
import type { Logger } from 'pino';
import type { GraphConfig } from '@waflow/channel/cloud-api';
import type { TwilioConfig } from '@waflow/channel/twilio';
import type { ProviderPort, RuntimePort } from './runtime-port.ts';
import type { Limits } from './limits.ts';
import type { TrustedProxies } from './auth/client-address.ts';
import type { Arrival } from './middleware/arrival-order.ts';
import type { EventHub } from './inbox/event-hub.ts';

export type Role = 'owner' | 'admin' | 'editor' | 'viewer';

export interface Deps {
  client: DbClient;
  keyring: Keyring;
  log: Logger;
  runtime?: RuntimePort;
  /** Serves the Cloud API numbers; absent, their webhooks answer 503 (Meta redelivers later). */
  cloudApi?: ProviderPort;
  /** WAFLOW_CLOUD_API_BASE_URL / WAFLOW_CLOUD_API_VERSION: where "check connection" and templates are read. */
  graph?: GraphConfig;
  /** Serves the Twilio numbers; absent, their webhooks answer 503 (Twilio retries). */
  twilio?: ProviderPort;
  /** WAFLOW_TWILIO_BASE_URL: Twilio's REST API (or a double). */
  twilioConfig?: TwilioConfig;
  /** The conversation coordinator (Redis when configured): /ready reports on it. */
  coord?: Coordinator;
  /** Secure cookies and HSTS whatever the request's protocol (normally derived: transport-security.ts). */
  secureCookies?: boolean;
  /** WAFLOW_PUBLIC_URL: where users reach waflow; https:// makes cookies Secure and sends HSTS. */
  publicUrl?: string;
  /** WAFLOW_METRICS_TOKEN: /metrics asks for it as a Bearer token; unset, /metrics answers loopback only. */
  metricsToken?: string;
  webOrigin?: string;
  /** Reverse proxies whose X-Forwarded-For is believed (WAFLOW_TRUST_PROXY); none by default. */
  trustedProxies?: TrustedProxies;
  /** Where webhooks and http blocks may call (the runtime enforces it; the API checks at save). */
  egressPolicy?: EgressPolicy;
  /** The process's inbox event hub (one is made when absent; the bench and main pass theirs). */
  hub?: EventHub;
  /** WAFLOW_DATA_DIR: files a person sends from the inbox are kept under its `media/`. */
  dataDir?: string;
  /** Endpoints per workspace and integrator rates (defaultLimits when absent). */
  limits?: Limits;
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
    /** When the request arrived and its place in line (routes that keep arrival order). */
    arrival: Arrival;
  };
}

/** The coordinator whose locks the runtime's turns hold: take-over, release and erasure take them too. */
export const conversationLocks = (deps: Deps): Coordinator | undefined =>
  deps.coord ?? deps.runtime?.coord;
