// Takes contacts' next unprocessed events, each under its conversation lock, together with
// everything their turns read — the number, the contact, the open conversation and its last
// checkpoint — in one statement for all the contacts locked at the same moment: the hot path of
// inbound messages pays one round trip to read, shared. A contact's first message (or API start)
// creates the contact in the same statement, with the name it came with. Contacts are one per
// workspace (across its numbers); conversations are per number.
import { sql } from 'drizzle-orm';
import { schema, statement, type Database } from '@waflow/db';
import type { ConversationState } from '@waflow/flow';

export interface ClaimedContact {
  id: string;
  name: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  optedOutAt: Date | null;
}

export interface ClaimedEvent {
  id: string;
  numberId: string;
  fromWaId: string;
  payload: unknown;
  /** Tries so far, this one included. */
  attempts: number;
  receivedAt: Date;
  /** The contact has more unprocessed events after this one. */
  more: boolean;
  /** Undefined when the number was removed. */
  workspaceId: string | undefined;
  contact: ClaimedContact | undefined;
  /** The workspace's settings (its opt-out and start keywords). */
  workspaceSettings: Record<string, unknown>;
  conversation:
    | {
        id: string;
        status: string;
        handoffUntil: Date | null;
        flowId: string | null;
        flowVersionId: string | null;
        lastActivityAt: Date;
      }
    | undefined;
  /** The open conversation's last checkpoint. */
  state: ConversationState | undefined;
  /**
   * The contact had conversations on this number before (the "first message" trigger needs this).
   * Per number: a contact is one per workspace, but the first message to a second number is still
   * that number's first.
   */
  hadConversations: boolean;
  /**
   * The contact's latest conversation on this number when none is open (the one that ended last):
   * a message no conversation takes goes into its transcript (see planTurn).
   */
  lastConversationId: string | undefined;
}

interface Row extends Record<string, unknown> {
  id: string;
  number_id: string;
  from_wa_id: string;
  payload: unknown;
  attempts: number;
  received_at: Date | string;
  more: boolean;
  workspace_id: string | null;
  contact_id: string | null;
  contact_name: string | null;
  contact_tags: string[] | null;
  contact_attributes: Record<string, unknown> | null;
  contact_opted_out_at: Date | string | null;
  workspace_settings: Record<string, unknown> | null;
  conv_id: string | null;
  conv_status: string | null;
  conv_handoff_until: Date | string | null;
  conv_flow_id: string | null;
  conv_flow_version_id: string | null;
  conv_last_activity_at: Date | string | null;
  state: ConversationState | null;
  last_conv_id: string | null;
}

/** A timestamp of a raw row: postgres.js answers Date, and a value read through JSON is a string. */
export const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

export interface ClaimKey {
  numberId: string;
  fromWaId: string;
}

const claimStatement = statement<{ keys: string }>(
  sql`
    with keys as (
      select * from jsonb_to_recordset(${sql.placeholder('keys')}::jsonb) as k(number_id uuid, wa_id text)
    ), next as (
      select n.id from keys k
      cross join lateral (
        select e.id from ${schema.inboundEvents} e
        where e.number_id = k.number_id and e.from_wa_id = k.wa_id and e.status in ('pending', 'processing')
        order by e.seq limit 1
      ) n
    ), claimed as (
      update ${schema.inboundEvents} e set status = 'processing', attempts = e.attempts + 1
      from next where e.id = next.id
      returning e.id, e.number_id, e.from_wa_id, e.seq, e.payload, e.attempts, e.created_at
    ), made as (
      insert into ${schema.contacts} (workspace_id, number_id, wa_id, phone, name, last_seen_at)
      select n.workspace_id, c.number_id, c.from_wa_id,
        case when c.from_wa_id ~ '^[1-9][0-9]{5,14}@c[.]us$' then '+' || split_part(c.from_wa_id, '@', 1) end,
        case c.payload->>'kind' when 'message' then c.payload->'message'->>'contactName' else c.payload->'contact'->>'name' end,
        case c.payload->>'kind' when 'message' then c.created_at end
      from claimed c
      join ${schema.numbers} n on n.id = c.number_id
      where c.payload->>'kind' in ('message', 'api_start')
        and not exists (select 1 from ${schema.contacts} x where x.workspace_id = n.workspace_id and x.wa_id = c.from_wa_id)
      on conflict (workspace_id, wa_id) do nothing
      returning id, number_id, wa_id, name
    ), seen as (
      -- Last seen, to the minute: rewriting the row on every message of a fast exchange is work
      -- the hot path does not need (the same reason as ACTIVITY_RESOLUTION_MS).
      update ${schema.contacts} x set last_seen_at = c.created_at
      from claimed c join ${schema.numbers} n on n.id = c.number_id
      where x.workspace_id = n.workspace_id and x.wa_id = c.from_wa_id and c.payload->>'kind' = 'message'
        and (x.last_seen_at is null or x.last_seen_at < c.created_at - interval '1 minute')
    )
    select c.id, c.number_id, c.from_wa_id, c.payload, c.attempts, c.created_at as received_at,
      exists (select 1 from ${schema.inboundEvents} x
              where x.number_id = c.number_id and x.from_wa_id = c.from_wa_id and x.status in ('pending', 'processing') and x.seq > c.seq) as more,
      n.workspace_id, coalesce(ct.id, mk.id) as contact_id, coalesce(ct.name, mk.name) as contact_name,
      ct.tags as contact_tags, ct.attributes as contact_attributes, ct.opted_out_at as contact_opted_out_at, w.settings as workspace_settings,
      cv.id as conv_id, cv.status as conv_status, cv.handoff_until as conv_handoff_until, cv.flow_id as conv_flow_id, cv.flow_version_id as conv_flow_version_id, cv.last_activity_at as conv_last_activity_at,
      ck.state,
      case when cv.id is null and ct.id is not null then (
        select p.id from ${schema.conversations} p where p.contact_id = ct.id and p.number_id = c.number_id order by p.created_at desc limit 1
      ) end as last_conv_id
    from claimed c
    left join ${schema.numbers} n on n.id = c.number_id
    left join ${schema.workspaces} w on w.id = n.workspace_id
    left join ${schema.contacts} ct on ct.workspace_id = n.workspace_id and ct.wa_id = c.from_wa_id
    left join made mk on mk.wa_id = c.from_wa_id and mk.number_id = c.number_id
    left join lateral (
      select v.id, v.status, v.handoff_until, v.flow_id, v.flow_version_id, v.last_activity_at from ${schema.conversations} v
      where v.number_id = c.number_id and v.contact_id = ct.id and v.status not in ('completed', 'expired')
      order by v.created_at desc limit 1
    ) cv on true
    left join ${schema.conversationCheckpoints} ck on ck.conversation_id = cv.id`,
);

/**
 * Moves each contact's oldest pending event to processing (attempts + 1) and reads its turn's
 * context. The caller holds every contact's lock. Answers per key, in order (undefined: nothing pending).
 */
export async function claimNextEvents(
  db: Database,
  keys: readonly ClaimKey[],
): Promise<(ClaimedEvent | undefined)[]> {
  const rows = await claimStatement.rows<Row>(db, {
    keys: JSON.stringify(keys.map((k) => ({ number_id: k.numberId, wa_id: k.fromWaId }))),
  });
  const byKey = new Map(rows.map((r) => [`${r.number_id}\u0000${r.from_wa_id}`, r]));
  return keys.map((k) => {
    const r = byKey.get(`${k.numberId}\u0000${k.fromWaId}`);
    return r ? toClaimed(r) : undefined;
  });
}

function toClaimed(r: Row): ClaimedEvent {
  return {
    id: r.id,
    numberId: r.number_id,
    fromWaId: r.from_wa_id,
    payload: r.payload,
    attempts: Number(r.attempts),
    receivedAt: asDate(r.received_at),
    more: r.more,
    workspaceId: r.workspace_id ?? undefined,
    contact: r.contact_id
      ? {
          id: r.contact_id,
          name: r.contact_name,
          tags: r.contact_tags ?? [],
          attributes: r.contact_attributes ?? {},
          optedOutAt: r.contact_opted_out_at ? asDate(r.contact_opted_out_at) : null,
        }
      : undefined,
    workspaceSettings: r.workspace_settings ?? {},
    conversation: r.conv_id
      ? {
          id: r.conv_id,
          status: r.conv_status ?? 'active',
          handoffUntil: r.conv_handoff_until ? asDate(r.conv_handoff_until) : null,
          flowId: r.conv_flow_id,
          flowVersionId: r.conv_flow_version_id,
          lastActivityAt: r.conv_last_activity_at ? asDate(r.conv_last_activity_at) : new Date(0),
        }
      : undefined,
    state: r.state ?? undefined,
    hadConversations: typeof r.last_conv_id === 'string',
    lastConversationId: r.last_conv_id ?? undefined,
  };
}
