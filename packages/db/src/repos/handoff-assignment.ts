// Who a handoff block gives the conversation to, decided inside the turn's own commit (no second
// write path): a member named by email, or `round-robin` — among the members who can answer
// (owner, admin, editor) and had the inbox open in the last PRESENCE_SECONDS, the one a round
// robin served least recently. Nobody online, or a named member who left: the conversation keeps
// its assignee (none, for a new handoff) and waits under Unassigned.
import { and, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client.ts';
import * as schema from '../schema/index.ts';

/** A member whose inbox stream was seen this recently is online (the API refreshes every 30 s). */
export const PRESENCE_SECONDS = 75;

/** The assignee for a row with `assign` (`round-robin`, an email or null) at `at`, in `workspace`. */
export function assigneeOf(workspace: SQL, assign: SQL, at: SQL): SQL {
  const m = schema.memberships;
  return sql`case
    when ${assign} = 'round-robin' then (
      select rm.user_id from ${m} rm
      where rm.workspace_id = ${workspace} and rm.role <> 'viewer'
        and rm.inbox_seen_at > ${at} - make_interval(secs => ${sql.raw(String(PRESENCE_SECONDS))})
      order by rm.last_assigned_at asc nulls first, rm.created_at, rm.user_id
      limit 1)
    when ${assign} is not null then (
      select em.user_id from ${m} em join ${schema.users} eu on eu.id = em.user_id
      where em.workspace_id = ${workspace} and em.role <> 'viewer' and lower(eu.email) = lower(${assign}))
  end`;
}

/**
 * The CTE that stamps the round robin's choices (`chosen`: rows of workspace_id, user_id), so the
 * next handoff goes to the next member. The database's own clock orders the stamps: turns on one
 * instant (a test's fixed clock, one batch) still take turns.
 */
export function roundRobinStamp(chosen: SQL): SQL {
  const m = schema.memberships;
  return sql`update ${m} rr set last_assigned_at = clock_timestamp()
    from (select distinct workspace_id, user_id from (${chosen}) x where user_id is not null) c
    where rr.workspace_id = c.workspace_id and rr.user_id = c.user_id`;
}

/**
 * Marks the members with an inbox stream open on this process as seen now (one statement per
 * workspace); rows seen in the last 20 s are left alone, so a heartbeat rarely writes.
 */
export async function markInboxSeen(
  db: Database,
  workspaceId: string,
  userIds: string[],
  now = new Date(),
): Promise<void> {
  if (userIds.length === 0) return;
  const m = schema.memberships;
  await db
    .update(m)
    .set({ inboxSeenAt: now })
    .where(
      and(
        eq(m.workspaceId, workspaceId),
        inArray(m.userId, userIds),
        or(isNull(m.inboxSeenAt), lt(m.inboxSeenAt, new Date(now.getTime() - 20_000))),
      ),
    );
}
