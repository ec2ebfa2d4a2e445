// Shared by the webhook, API-key and integrator tests: the app on a fresh real Postgres with the
// embedded runtime (sandbox channel), an owner signed in, a published flow on a sandbox number,
// and a local HTTP receiver for webhooks (127.0.0.1, allowed the way an operator would: through
// WAFLOW_EGRESS_ALLOW_CIDRS read by env.ts).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import pino from 'pino';
import { inject } from 'vitest';
import { createInProcessCoordinator } from '@waflow/coord';
import {
  createDb,
  createFlow,
  createKeyring,
  createWorkspace,
  migrate,
  publishFlowVersion,
  schema,
  type DbClient,
  type Keyring,
} from '@waflow/db';
import type { EgressPolicy } from '@waflow/egress';
import {
  Runtime,
  startProviders,
  type ProviderNumbers,
  type SandboxChannel,
} from '@waflow/runtime';
import { twilioStatusUrl } from '../channels/twilio-webhook.ts';
import { createTestDatabase } from '@waflow/testkit';
import { createApp } from '../../app.ts';
import { readEnv } from '../../env.ts';

export type Json = Record<string, unknown>;

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A local webhook receiver: records every request and answers 200, or what `answers` says for its path. */
export class Receiver {
  readonly received: Received[] = [];
  readonly answers = new Map<string, Answer>();
  url = '';
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      this.received.push({ path: req.url ?? '', headers: req.headers, body });
      const a = this.answers.get(req.url ?? '') ?? { status: 200, body: 'ok' };
      res.writeHead(a.status, a.headers ?? {}).end(a.body ?? '');
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Requests whose JSON body has `type`, on `path` when given. */
  of(type: string, path?: string): Received[] {
    return this.received.filter(
      (r) =>
        (path === undefined || r.path === path) &&
        (JSON.parse(r.body) as { type?: string }).type === type,
    );
  }

  /** The three Standard Webhooks headers of a received request, as strings. */
  static signed(
    r: Received,
  ): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
    return {
      'webhook-id': String(r.headers['webhook-id']),
      'webhook-timestamp': String(r.headers['webhook-timestamp']),
      'webhook-signature': String(r.headers['webhook-signature']),
    };
  }
}

export { until } from '@waflow/testkit';

/** The lead-capture example: keyword, first-message and `api` triggers (integrators may start it). */
export const leadFlow = (): Json =>
  JSON.parse(
    readFileSync(
      new URL('../../../../../schemas/examples/lead-capture.flow.json', import.meta.url),
      'utf8',
    ),
  ) as Json;

export interface Harness {
  client: DbClient;
  keyring: Keyring;
  runtime: Runtime;
  cloudApi: ProviderNumbers;
  twilio: ProviderNumbers;
  app: ReturnType<typeof createApp>;
  egressPolicy: EgressPolicy;
  receiver: Receiver;
  /** The owner's access token and workspace. */
  admin: string;
  ws: string;
  flowId: string;
  numberId: string;
  sandbox: SandboxChannel;
  call: (
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ) => Promise<{ status: number; headers: Headers; body: Json }>;
  /** Another workspace (the owner is not a member) with its own published flow and number. */
  otherWorkspace: () => Promise<{ ws: string; flowId: string; numberId: string }>;
  /** A user with `role` in the main workspace, signed in. */
  member: (role: 'admin' | 'editor' | 'viewer') => Promise<string>;
  close: () => Promise<void>;
}

/** `vars`: more environment variables, read by env.ts as the operator's would be (limits, …). */
export async function startHarness(vars: Record<string, string> = {}): Promise<Harness> {
  const env = readEnv({ WAFLOW_EGRESS_ALLOW_CIDRS: '127.0.0.0/8', ...vars });
  const { egressPolicy } = env;
  const receiver = await new Receiver().start();
  const client = await createDb({ url: (await createTestDatabase(inject('pgUrl'))).url });
  await migrate(client);
  const keyring = createKeyring({ k1: randomBytes(32) }, 'k1');
  const runtime = new Runtime({
    client,
    coord: createInProcessCoordinator(),
    keyring,
    egressPolicy,
    log: pino({ level: process.env.WAFLOW_TEST_LOG ?? 'silent' }),
    outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
    pollMs: 50,
    recoverMs: 200,
  });
  await runtime.start();
  // Cloud API and Twilio numbers are served as main.ts serves them (their base URLs: doubles).
  const publicUrl = env.publicUrl;
  const { cloudApi, twilio } = await startProviders({
    client,
    keyring,
    runtime,
    dataDir: mkdtempSync(join(tmpdir(), 'waflow-media-')),
    graph: env.graph,
    twilio: env.twilio,
    twilioStatusUrl: (id) => (publicUrl ? twilioStatusUrl(publicUrl, id) : undefined),
  });
  const app = createApp({
    client,
    keyring,
    log: pino({ level: 'silent' }),
    runtime,
    cloudApi,
    graph: env.graph,
    twilio,
    twilioConfig: env.twilio,
    ...(publicUrl ? { publicUrl } : {}),
    egressPolicy,
    limits: env.limits,
  });

  const call: Harness['call'] = async (method, path, opts = {}) => {
    const res = await app.request(path, {
      method,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      ...(opts.body === undefined
        ? {}
        : { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: (text ? JSON.parse(text) : {}) as Json,
    };
  };

  const setup = await call('POST', '/api/v1/setup', {
    body: {
      email: 'o@acme.test',
      password: 'correct horse battery',
      name: 'O',
      workspaceName: 'Acme',
    },
  });
  const admin = setup.body.accessToken as string;
  const ws = (setup.body.workspaces as { id: string }[])[0]?.id ?? '';
  const flow = await call('POST', `/api/v1/workspaces/${ws}/flows`, {
    token: admin,
    body: { name: 'Leads', config: leadFlow() },
  });
  const flowId = flow.body.id as string;
  const published = await call('POST', `/api/v1/workspaces/${ws}/flows/${flowId}/publish`, {
    token: admin,
    body: {},
  });
  if (published.status !== 201)
    throw new Error(`publishing the test flow failed: ${JSON.stringify(published.body)}`);
  const numberId = (
    await call('POST', `/api/v1/workspaces/${ws}/numbers`, {
      token: admin,
      body: { label: 'Sales', flowId, channel: 'sandbox' },
    })
  ).body.id as string;
  const sandbox = await runtime.attachSandbox(numberId);

  let others = 0;
  const otherWorkspace = async () => {
    others += 1;
    const other = await createWorkspace(client.db, `Someone else ${others}`);
    const f = await createFlow(client.db, {
      workspaceId: other.id,
      name: 'Theirs',
      draft: leadFlow(),
    });
    await publishFlowVersion(client.db, { flowId: f.id, config: leadFlow() });
    const [n] = await client.db
      .insert(schema.numbers)
      .values({ workspaceId: other.id, label: 'Theirs', channel: 'sandbox', flowId: f.id })
      .returning({ id: schema.numbers.id });
    return { ws: other.id, flowId: f.id, numberId: n?.id ?? '' };
  };

  let members = 0;
  const member = async (role: 'admin' | 'editor' | 'viewer') => {
    members += 1;
    const email = `${role}${members}@acme.test`;
    const invite = await call('POST', `/api/v1/workspaces/${ws}/invites`, {
      token: admin,
      body: { email, role },
    });
    const token = String(invite.body.token ?? '');
    const accepted = await call('POST', `/api/v1/invites/${token}/accept`, {
      body: { name: role, password: 'correct horse battery' },
    });
    if (!accepted.body.accessToken)
      throw new Error(`accepting the invite failed: ${JSON.stringify(accepted.body)}`);
    return accepted.body.accessToken as string;
  };

  return {
    client,
    keyring,
    runtime,
    cloudApi,
    twilio,
    app,
    egressPolicy,
    receiver,
    admin,
    ws,
    flowId,
    numberId,
    sandbox,
    call,
    otherWorkspace,
    member,
    close: async () => {
      await cloudApi.stop();
      await twilio.stop();
      await runtime.stop();
      await client.close();
      await receiver.stop();
    },
  };
}
