// Runs the commit of a batch of turns: their rows as the parameters of the one statement
// (commit-statement.ts), its failures told apart, and the replies it handed answered per turn.
// A turn whose lock was lost is refused by the checkpoint's fence and the whole batch rolls back.
import {
  blockCountsJson,
  envelope,
  hourCountsJson,
  hourOf,
  uuidArrayText,
  type Database,
} from '@waflow/db';
import type { OutboundMessage } from '@waflow/channel';
import type { OutboxRow } from '../outbox/outbox-sender.ts';
import { commitStatements } from './commit-statement.ts';
import type { TurnWrites } from './turn-plan.ts';

export class StaleFenceError extends Error {
  readonly code = 'STALE_FENCE';
}

const json = (rows: unknown[]) => JSON.stringify(rows);

/** The Postgres error code and constraint of a failure (drizzle wraps the driver's error as its cause). */
function pgError(
  err: unknown,
): { code?: string; constraint?: string; message: string } | undefined {
  for (let e: unknown = err; e; e = e instanceof Error ? e.cause : undefined) {
    if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') {
      const c = e as {
        code: string;
        constraint_name?: string;
        constraint?: string;
        message?: string;
      };
      return {
        code: c.code,
        constraint: c.constraint_name ?? c.constraint,
        message: c.message ?? '',
      };
    }
  }
  return undefined;
}

/**
 * Writes the rows of `turns` atomically, in one statement (see commitStatement), and answers per
 * turn the replies it wrote as `sending` for the sender to hand over (only for `direct` turns),
 * in order. Throws StaleFenceError, writing nothing, when any turn's fence is older than its
 * conversation's checkpoint, or when another holder opened the conversation a turn wanted to open.
 */
export async function commitTurns(
  db: Database,
  turns: readonly TurnWrites[],
  opts: { analytics?: boolean } = {},
): Promise<OutboxRow[][]> {
  const commitStatement =
    opts.analytics === false ? commitStatements.uncounted : commitStatements.counted;
  // A conversation a turn opens is inserted with the turn's update; only the others are updated.
  const touched = turns.flatMap((t) =>
    t.conversationUpdate && t.conversationUpdate.id !== t.newConversation?.id
      ? [t.conversationUpdate]
      : [],
  );
  const at = new Date().toISOString();

  // Transcript lines in the turns' order: what the contact sent, then the replies.
  const lines: Record<string, unknown>[] = [];
  const outbox: Record<string, unknown>[] = [];
  for (const t of turns) {
    const counted = { flow_id: t.analytics.flowId, hour: t.analytics.hour ?? hourOf(new Date(at)) };
    for (const r of t.inbound) {
      const m = r.message;
      lines.push({
        ...counted,
        n: lines.length,
        id: r.id,
        direction: 'in',
        workspace_id: r.workspaceId,
        number_id: r.numberId,
        conversation_id: r.conversationId,
        wa_message_id: m.messageId,
        type: m.type,
        body: m.text ?? (m.location ? `${m.location.latitude},${m.location.longitude}` : null),
        media_ref: m.media?.ref ?? null,
        contact: m.from,
        text: m.text ?? null,
      });
    }
    // A turn's notices come first: the engine says them on resuming (an http block's answer).
    for (const m of t.notices)
      lines.push({
        n: lines.length,
        id: m.id,
        direction: 'out',
        workspace_id: m.workspaceId,
        number_id: m.numberId,
        conversation_id: m.conversationId,
        wa_message_id: m.key,
        type: 'notice',
        body: m.text,
        author: 'system',
      });
    for (const [i, s] of t.sends.entries()) {
      outbox.push({
        number_id: s.numberId,
        conversation_id: s.conversationId,
        message_id: s.messageId,
        key: s.idempotencyKey,
        payload: s.payload,
        at: s.at,
        n: outbox.length,
        direct: t.direct === true,
        head: i === 0,
      });
      lines.push({
        ...counted,
        n: lines.length,
        id: s.messageId,
        direction: 'out',
        workspace_id: s.workspaceId,
        number_id: s.numberId,
        conversation_id: s.conversationId,
        type: s.type,
        body: s.body,
      });
    }
  }
  // A timer set and cancelled by the same batch is written cancelled (the parts cannot see each other's rows).
  const cancels = turns.flatMap((t) => t.cancelTimers);
  const cancelledAt = new Map(cancels.map((c) => [`${c.conversationId}\u0000${c.key}`, c.at]));
  const timers = turns
    .flatMap((t) => t.timers)
    .map((t) => ({
      conversation_id: t.conversationId,
      key: t.key,
      due_at: t.dueAt,
      payload: t.payload,
      cancelled_at: cancelledAt.get(`${t.conversationId}\u0000${t.key}`) ?? null,
    }));
  // One row per conversation: a turn's later results replace its earlier ones.
  const results = [
    ...new Map(turns.flatMap((t) => t.results).map((r) => [r.conversationId, r])).values(),
  ];
  const settled = turns.flatMap((t) => t.events);

  let handed: {
    id: string;
    number_id: string;
    conversation_id: string;
    attempts: number;
    payload: OutboundMessage;
    seq: string | number;
    handed: boolean;
  }[];
  try {
    handed = await commitStatement.rows(db, {
      conversations: json(
        turns.flatMap((t) => {
          const c = t.newConversation;
          if (!c) return [];
          const u = t.conversationUpdate?.id === c.id ? t.conversationUpdate : undefined;
          return [
            {
              id: c.id,
              workspace_id: c.workspaceId,
              number_id: c.numberId,
              contact_id: c.contactId,
              flow_id: c.flowId,
              flow_version_id: c.flowVersionId,
              status: u?.status ?? 'active',
              at: u?.at ?? at,
              reason: u?.handoffReason ?? null,
              assign: u?.assignTo ?? null,
            },
          ];
        }),
      ),
      updates: json(
        touched.map((u) => ({
          id: u.id,
          status: u.status ?? null,
          at: u.at,
          reason_set: u.handoffReason !== undefined,
          reason: u.handoffReason ?? null,
          assign: u.assignTo ?? null,
        })),
      ),
      updateIds: uuidArrayText(touched.map((u) => u.id)),
      checkpoints: json(
        turns.flatMap((t) =>
          t.checkpoint
            ? [
                {
                  id: t.checkpoint.conversationId,
                  state: t.checkpoint.state,
                  fence: t.checkpoint.fence,
                },
              ]
            : [],
        ),
      ),
      outbox: json(outbox),
      lines: json(lines),
      timers: json(timers),
      cancels: json(
        cancels.map((c) => ({ conversation_id: c.conversationId, key: c.key, at: c.at })),
      ),
      cancelIds: uuidArrayText(cancels.map((c) => c.conversationId)),
      blockCounts: blockCountsJson(turns.flatMap((t) => t.analytics.blocks)),
      hourCounts: hourCountsJson(turns.flatMap((t) => t.analytics.hours)),
      results: json(
        results.map((r) => ({
          workspace_id: r.workspaceId,
          flow_id: r.flowId,
          flow_version_id: r.flowVersionId,
          conversation_id: r.conversationId,
          contact_id: r.contactId,
          status: r.status,
          variables: r.variables,
          at: r.at,
        })),
      ),
      settled: json(settled),
      settledIds: uuidArrayText(settled.map((e) => e.id)),
      events: json(
        turns
          .flatMap((t) => t.webhookEvents)
          .map((e) => ({
            id: e.id,
            type: e.type,
            workspace_id: e.workspaceId,
            number_id: e.numberId ?? null,
            at: e.occurredAt.toISOString(),
            body: envelope(e),
          })),
      ),
      contacts: json(
        turns.flatMap((t) => {
          const u = t.contactUpdate;
          if (!u) return [];
          const opt = u.optOut === undefined ? null : u.optOut ? 'out' : 'in';
          return [
            {
              id: u.id,
              attributes: u.attributes ?? null,
              opt,
              at: u.optOut?.at ?? null,
              reason: u.optOut?.reason ?? null,
            },
          ];
        }),
      ),
      at,
    });
  } catch (err) {
    const pg = pgError(err);
    if (pg?.code === 'WF001') throw new StaleFenceError(pg.message, { cause: err });
    // Another holder opened the contact's conversation after we looked: we are stale.
    if (
      pg?.code === '23505' &&
      (pg.constraint === 'conversations_open_key' || pg.message.includes('conversations_open_key'))
    ) {
      throw new StaleFenceError(
        `a newer holder opened a conversation for contact ${turns.flatMap((t) => (t.newConversation ? [t.newConversation.contactId] : [])).join(', ')}`,
        { cause: err },
      );
    }
    throw err;
  }
  const byConversation = new Map<string, OutboxRow[]>();
  // RETURNING does not keep the insert's order: sort by seq (a turn's replies go out in order).
  for (const r of handed.sort((a, b) => Number(a.seq) - Number(b.seq))) {
    const row: OutboxRow = {
      id: r.id,
      numberId: r.number_id,
      attempts: Number(r.attempts),
      message: r.payload,
      handed: r.handed,
    };
    byConversation.set(r.conversation_id, [...(byConversation.get(r.conversation_id) ?? []), row]);
  }
  return turns.map((t) =>
    t.direct && t.sends[0] ? (byConversation.get(t.sends[0].conversationId) ?? []) : [],
  );
}
