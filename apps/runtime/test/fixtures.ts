// Test fixtures: a migrated database with a workspace, a published flow and a number bound to it.
import { readFileSync } from 'node:fs';
import {
  createDb,
  createFlow,
  createWorkspace,
  migrate,
  publishFlowVersion,
  schema,
  type DbClient,
} from '@waflow/db';
import { createTestDatabase } from '@waflow/testkit';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';
import { createInProcessCoordinator } from '@waflow/coord';
import { Runtime } from '../src/runtime.ts';

export const examplesDir = new URL('../../../schemas/examples/', import.meta.url);

export function exampleFlow(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.flow.json`, examplesDir), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** A flow that asks one question and ends, thanking the contact by the answer. */
export const askThenEndFlow = {
  schemaVersion: 1,
  name: 'Ask then end',
  triggers: [{ type: 'any' }],
  variables: [{ name: 'x', type: 'string' }],
  start: 'q',
  nodes: [
    {
      id: 'q',
      type: 'ask',
      prompt: 'your name?',
      saveAs: 'x',
      validation: { kind: 'text' },
      next: 'bye',
    },
    { id: 'bye', type: 'end', message: 'bye {{x}}' },
  ],
};

/**
 * A started Runtime on a fresh database and in-process locks, its clock the test's (`now`), no
 * recovery sweep during the test and no pacing. `close()` stops it all.
 */
export async function runtimeOnClock(serverUrl: string, now: () => number) {
  const client = await freshDatabase(serverUrl);
  const coord = createInProcessCoordinator();
  const runtime = new Runtime({
    client,
    coord,
    now,
    recoverMs: 60_000,
    outbox: { pacing: { ratePerSec: 10_000, burst: 10_000 } },
    log: pino({ level: 'silent' }),
  });
  await runtime.start();
  return {
    client,
    runtime,
    async close() {
      await runtime.stop();
      await coord.close();
      await client.close();
    },
  };
}

/** runtimeOnClock for a describe block: started before its tests, closed after them. */
export function useRuntimeOnClock(now: () => number): { client: DbClient; runtime: Runtime } {
  const env = {} as { client: DbClient; runtime: Runtime };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const started = await runtimeOnClock(inject('pgUrl'), now);
    Object.assign(env, { client: started.client, runtime: started.runtime });
    close = started.close;
  });
  afterAll(() => close?.());
  return env;
}

export async function freshDatabase(serverUrl: string): Promise<DbClient> {
  const db = await createTestDatabase(serverUrl);
  const client = await createDb({ url: db.url, max: 20 });
  await migrate(client);
  return client;
}

export async function seedNumberWithFlow(client: DbClient, config: Record<string, unknown>) {
  const ws = await createWorkspace(client.db, 'Test workspace');
  const flow = await createFlow(client.db, {
    workspaceId: ws.id,
    name: String(config.name ?? 'flow'),
    draft: config,
  });
  const version = await publishFlowVersion(client.db, { flowId: flow.id, config });
  const [number] = await client.db
    .insert(schema.numbers)
    .values({ workspaceId: ws.id, label: 'Test number', channel: 'sandbox', flowId: flow.id })
    .returning();
  if (!number) throw new Error('no number');
  return { workspaceId: ws.id, flowId: flow.id, versionId: version.id, numberId: number.id };
}

export async function rebindNumber(client: DbClient, numberId: string, flowId: string) {
  await client.db.update(schema.numbers).set({ flowId }).where(eq(schema.numbers.id, numberId));
}

/** Polls `check` until it returns a value, at most `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
