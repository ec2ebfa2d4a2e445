// Set-up the benchmarks share: a sandbox number bound to a published flow, and JSON posts to an
// API under test (its set-up calls, not what is measured).
import {
  createFlow,
  createWorkspace,
  migrate,
  publishFlowVersion,
  schema,
  type DbClient,
} from '@waflow/db';

/** Migrates, then creates a workspace with `config` published on a sandbox number; its id. */
export async function sandboxNumber(
  client: DbClient,
  name: string,
  config: Record<string, unknown>,
): Promise<string> {
  await migrate(client);
  const ws = await createWorkspace(client.db, name);
  const flow = await createFlow(client.db, { workspaceId: ws.id, name, draft: config });
  await publishFlowVersion(client.db, { flowId: flow.id, config });
  const [number] = await client.db
    .insert(schema.numbers)
    .values({ workspaceId: ws.id, label: name, channel: 'sandbox', flowId: flow.id })
    .returning();
  if (!number) throw new Error('no number');
  return number.id;
}

/** POST `body` as JSON to `base + path` (with a Bearer token when given); throws on an error. */
export async function postJson(
  base: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}
