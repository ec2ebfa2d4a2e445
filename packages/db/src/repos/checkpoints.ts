// Conversation checkpoints: the state the engine resumes from after a restart, fenced by the
// lock's token so a holder whose lock expired cannot overwrite a newer state.
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { statement } from '../sql-rows.ts';
import { conversationCheckpoints } from '../schema/index.ts';

/**
 * Writes a conversation's state if `fence` is not older than the stored one (a stale lock holder
 * cannot overwrite a newer checkpoint). Returns false when refused.
 */
export async function writeCheckpoint(
  db: Database,
  conversationId: string,
  state: unknown,
  fence: number,
): Promise<boolean> {
  return (await writeCheckpoints(db, [{ conversationId, state, fence }])).has(conversationId);
}

/**
 * The fenced write of checkpoints, as SQL to put in a statement: `rows` is a from-item yielding
 * `id` (the conversation), `state` and `fence`; a row whose fence is older than the stored one is
 * not written. Returns the `conversation_id`s written. (The pipeline's commit statement writes its
 * batch's checkpoints with it.)
 */
export function fencedCheckpointWrite(rows: SQL): SQL {
  return sql`insert into ${conversationCheckpoints} (conversation_id, state, fence, updated_at)
    select r.id, r.state, r.fence, now() from ${rows} r
    on conflict (conversation_id) do update set state = excluded.state, fence = excluded.fence, updated_at = excluded.updated_at
    where ${conversationCheckpoints.fence} <= excluded.fence
    returning conversation_id`;
}

const writeStatement = statement<{ rows: string }>(
  fencedCheckpointWrite(
    sql`(select * from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as c(id uuid, state jsonb, fence bigint))`,
  ),
);

/**
 * Several conversations' checkpoints in one statement, each fenced like `writeCheckpoint`.
 * Returns the conversations whose checkpoint was written (the others were refused as stale).
 */
export async function writeCheckpoints(
  db: Database,
  rows: readonly { conversationId: string; state: unknown; fence: number }[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = await writeStatement.rows<{ conversation_id: string }>(db, {
    rows: JSON.stringify(
      rows.map((r) => ({ id: r.conversationId, state: r.state, fence: r.fence })),
    ),
  });
  return new Set(written.map((r) => r.conversation_id));
}

export async function readCheckpoint(db: Database, conversationId: string) {
  const [row] = await db
    .select()
    .from(conversationCheckpoints)
    .where(eq(conversationCheckpoints.conversationId, conversationId));
  return row;
}
