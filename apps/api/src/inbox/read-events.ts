// Reads a workspace's inbox events after a seq, each with what it is about as it is now: the
// conversation's list row, the message's transcript line, the number's status. Rows of the log
// carry ids only (schema/inbox.ts), so an erased contact's events read as gone.
import { and, asc, eq, gt, max, min, sql } from 'drizzle-orm';
import { schema, type Database } from '@waflow/db';
import { contactColumns, conversationColumns, messageView } from '../routes/conversations/views.ts';

export interface InboxEvent {
  seq: number;
  /**
   * The whole SSE frame, encoded once for every stream that gets it: `event: inbox`, `id: <seq>`,
   * data `{ seq, kind, at, conversationId, conversation, message, number }`.
   */
  frame: Uint8Array;
}

const encoder = new TextEncoder();

export async function readEvents(
  db: Database,
  workspaceId: string,
  after: number,
  limit: number,
): Promise<InboxEvent[]> {
  const e = schema.workspaceEvents;
  const rows = await db
    .select({
      seq: e.seq,
      kind: e.kind,
      conversationId: e.conversationId,
      messageId: e.messageId,
      numberId: e.numberId,
      at: e.at,
      conversation: conversationColumns,
      contact: contactColumns,
      message: schema.messages,
      numberStatus: schema.numbers.status,
    })
    .from(e)
    .leftJoin(schema.conversations, eq(schema.conversations.id, e.conversationId))
    .leftJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
    .leftJoin(schema.messages, eq(schema.messages.id, e.messageId))
    .leftJoin(schema.numbers, eq(schema.numbers.id, e.numberId))
    .where(and(eq(e.workspaceId, workspaceId), gt(e.seq, after)))
    .orderBy(asc(e.seq))
    .limit(limit);
  return rows.map((r) => ({
    seq: r.seq,
    frame: encoder.encode(
      `event: inbox\nid: ${r.seq}\ndata: ${JSON.stringify({
        seq: r.seq,
        kind: r.kind,
        /** When the change was written (its transaction's time). */
        at: r.at,
        conversationId: r.conversationId,
        conversation:
          r.conversation && r.contact ? { ...r.conversation, contact: r.contact } : null,
        message: r.message ? messageView(r.message) : null,
        number: r.numberId && r.numberStatus ? { id: r.numberId, status: r.numberStatus } : null,
      })}\n\n`,
    ),
  }));
}

/** The last seq given out in the workspace, and the oldest still kept (null: none kept). */
export async function eventWindow(
  db: Database,
  workspaceId: string,
): Promise<{ last: number; oldest: number | null }> {
  const [counter] = await db
    .select({ last: schema.workspaceEventCounters.lastSeq })
    .from(schema.workspaceEventCounters)
    .where(eq(schema.workspaceEventCounters.workspaceId, workspaceId));
  const [kept] = await db
    .select({ oldest: min(schema.workspaceEvents.seq), newest: max(schema.workspaceEvents.seq) })
    .from(schema.workspaceEvents)
    .where(eq(schema.workspaceEvents.workspaceId, workspaceId));
  return { last: counter?.last ?? 0, oldest: kept?.oldest ?? null };
}

/** Keeps the last `keep` events per workspace and none older than `maxAgeMs`. */
export async function pruneEvents(db: Database, keep: number, maxAgeMs: number): Promise<void> {
  const e = schema.workspaceEvents;
  await db.execute(sql`
    delete from ${e} using ${schema.workspaceEventCounters} c
    where ${e.workspaceId} = c.workspace_id
      and (${e.seq} <= c.last_seq - ${keep} or ${e.at} < now() - make_interval(secs => ${maxAgeMs / 1000}))`);
}
