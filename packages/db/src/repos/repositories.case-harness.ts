// Shared by the repository case suites (repositories.{flows,storage,retention}.case.test.ts, run on
// real Postgres and on embedded PGlite by repositories.{postgres,pglite}.test.ts): what a runner
// passes, and the retention suite's seeds over its client.
import type { DbClient } from '../client.ts';
import { schema } from '../index.ts';
import { createWorkspace } from './workspaces.ts';

/** The database a runner gives each case suite: `create` makes a fresh, empty one. */
export interface Target {
  name: string;
  create: () => Promise<DbClient>;
}

/** Seeds and counts over the suite's client (`db`: read when called, set by its beforeAll). */
export function retentionSeeds(db: () => DbClient) {
  // A contact with all a conversation leaves: transcript, checkpoint, outbox row, timer, result,
  // inbound events (one that reached no conversation), a webhook delivery, an audit entry.
  async function seedContact(
    wsId: string,
    numberId: string,
    endpointId: string,
    waId: string,
    daysAgo: number,
  ) {
    const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    const q = <T>(text: string, params: unknown[]) =>
      db().query<T & Record<string, unknown>>(text, params);
    const [ct] = await q<{ id: string }>(
      'insert into contacts (workspace_id, number_id, wa_id, name, created_at) values ($1, $2, $3, $4, $5) returning id',
      [wsId, numberId, waId, 'Ana', at],
    );
    const contactId = ct?.id as string;
    const [cv] = await q<{ id: string }>(
      `insert into conversations (workspace_id, number_id, contact_id, status, last_activity_at, created_at) values ($1, $2, $3, 'completed', $4, $4) returning id`,
      [wsId, numberId, contactId, at],
    );
    const convId = cv?.id as string;
    await q(
      `insert into messages (workspace_id, number_id, conversation_id, direction, wa_message_id, type, body, created_at) values ($1, $2, $3, 'in', $4, 'text', 'my email is ana@example.com', $5)`,
      [wsId, numberId, convId, `${waId}-m1`, at],
    );
    await q(
      `insert into messages (workspace_id, number_id, conversation_id, direction, wa_message_id, type, body, created_at) values ($1, $2, null, 'in', $3, 'text', 'hello?', $4)`,
      [wsId, numberId, `${waId}-m0`, at],
    );
    await q(
      'insert into conversation_checkpoints (conversation_id, state, fence) values ($1, $2, 1)',
      [convId, JSON.stringify({ vars: { email: 'ana@example.com' } })],
    );
    await q(
      `insert into outbox (number_id, conversation_id, idempotency_key, payload, status) values ($1, $2, $3, $4, 'sent')`,
      [
        numberId,
        convId,
        `${convId}:e1`,
        JSON.stringify({ to: waId, type: 'text', text: 'Thanks' }),
      ],
    );
    const [loose] = await q<{ id: string }>(
      `insert into messages (workspace_id, number_id, conversation_id, direction, type, body, created_at, author) values ($1, $2, null, 'out', 'text', 'Your order shipped', $3, 'api') returning id`,
      [wsId, numberId, at],
    );
    await q(
      `insert into outbox (number_id, conversation_id, message_id, idempotency_key, payload) values ($1, null, $2, $3, $4)`,
      [
        numberId,
        loose?.id,
        `api:${waId}`,
        JSON.stringify({ to: waId, type: 'text', text: 'Your order shipped' }),
      ],
    );
    await q('insert into timers (conversation_id, key, due_at) values ($1, $2, $3)', [
      convId,
      't1',
      at,
    ]);
    await q(
      `insert into results (workspace_id, conversation_id, contact_id, status, variables) values ($1, $2, $3, 'completed', $4)`,
      [wsId, convId, contactId, JSON.stringify({ email: 'ana@example.com' })],
    );
    for (const m of ['m0', 'm1'])
      await q(
        `insert into inbound_events (number_id, wa_message_id, from_wa_id, payload, status, created_at) values ($1, $2, $3, '{}', 'processed', $4)`,
        [numberId, `${waId}-${m}`, waId, at],
      );
    await q(
      `insert into webhook_deliveries (endpoint_id, event_id, event_type, payload, status, created_at) values ($1, $2, 'conversation.completed', $3, 'delivered', $4)`,
      [
        endpointId,
        `evt_${convId}`,
        JSON.stringify({
          data: { conversationId: convId, contact: waId, results: { email: 'ana@example.com' } },
        }),
        at,
      ],
    );
    await q(
      `insert into audit_log (workspace_id, action, entity_type, after) values ($1, 'integration.start', 'flow', $2)`,
      [wsId, JSON.stringify({ contact: waId, eventId: 'e' })],
    );
    return { contactId, convId };
  }
  const count = async (table: string, where: string, params: unknown[]) =>
    Number(
      (
        await db().query<{ n: number }>(
          `select count(*)::int as n from ${table} where ${where}`,
          params,
        )
      )[0]?.n,
    );

  async function workspaceWithNumber(name: string) {
    const ws = await createWorkspace(db().db, name);
    const [number] = await db()
      .db.insert(schema.numbers)
      .values({ workspaceId: ws.id, label: name })
      .returning();
    const [endpoint] = await db()
      .db.insert(schema.webhookEndpoints)
      .values({ workspaceId: ws.id, url: 'https://crm.example/hook', secret: 'x', events: ['*'] })
      .returning();
    if (!number || !endpoint) throw new Error('no number or endpoint');
    return { wsId: ws.id, numberId: number.id, endpointId: endpoint.id };
  }
  return { seedContact, count, workspaceWithNumber };
}
