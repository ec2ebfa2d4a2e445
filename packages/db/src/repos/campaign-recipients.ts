// A campaign's recipients: chosen once, when it starts, in one INSERT…SELECT (one row each, the
// audience read as SQL, numbers dealt out in turn), then counted by status for the web app.
import { sql, type SQL } from 'drizzle-orm';
import type { Audience, Condition, RecipientStatus } from '@waflow/campaign';
import type { Database } from '../client.ts';
import { executeRows, uuidArrayText } from '../sql-rows.ts';

/** A WhatsApp id a message can be sent to: the digits of an E.164 number then `@c.us`. */
const VALID_WA_ID = String.raw`^[1-9][0-9]{6,14}@c\.us$`;

function conditionSql(c: Condition): SQL {
  if (c.type === 'tag')
    return c.has ? sql`${c.tag} = any(c.tags)` : sql`not (${c.tag} = any(c.tags))`;
  const v = sql`c.attributes ->> ${c.key}`;
  switch (c.op) {
    case 'exists':
      return sql`c.attributes ? ${c.key}`;
    case 'eq':
      return sql`lower(${v}) = lower(${String(c.value)})`;
    case 'neq':
      return sql`lower(coalesce(${v}, '')) <> lower(${String(c.value)})`;
    case 'contains':
      return sql`strpos(lower(${v}), lower(${String(c.value)})) > 0`;
    case 'gt':
    case 'lt': {
      const cmp = c.op === 'gt' ? sql`>` : sql`<`;
      // A number compares as a number; anything else as a date (the parser checked it is one).
      return typeof c.value === 'number'
        ? sql`(case when ${v} ~ '^-?[0-9]+(\.[0-9]+)?$' then (${v})::numeric end) ${cmp} ${c.value}`
        : sql`(case when ${v} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' then (${v})::timestamptz end) ${cmp} ${String(c.value)}::timestamptz`;
    }
  }
}

/** The audience as a condition on `contacts c`. */
export function audienceSql(a: Audience): SQL {
  switch (a.kind) {
    case 'all':
      return sql`true`;
    case 'contacts':
      return sql`c.id = any(${uuidArrayText(a.contactIds)}::uuid[])`;
    case 'segment':
      return sql.join(
        a.conditions.map((c) => sql`(${conditionSql(c)})`),
        a.match === 'all' ? sql` and ` : sql` or `,
      );
  }
}

/**
 * Chooses the recipients of a campaign starting now: every contact of its workspace the audience
 * matches (one per person: contacts are per workspace), each on the number they wrote to when it
 * is one of `numberIds`, else dealt to them in turn. Contacts that cannot get a message (opted
 * out, an id that is no phone) are written too, as skipped with the reason, so the counts add up
 * to the audience. Idempotent: a second call adds nobody already chosen.
 */
export async function materializeRecipients(
  tx: Database,
  campaign: { id: string; workspaceId: string; audience: Audience },
  numberIds: readonly string[],
): Promise<{ total: number; skipped: number }> {
  if (numberIds.length === 0) throw new Error('a campaign needs at least one number');
  const nums = uuidArrayText(numberIds);
  const [row] = await executeRows<{ total: number; skipped: number }>(
    tx,
    sql`
      with chosen as (
        select c.id, c.wa_id, c.number_id, c.opted_out_at,
          row_number() over (order by c.created_at, c.id)::int as pos
        from contacts c
        where c.workspace_id = ${campaign.workspaceId} and (${audienceSql(campaign.audience)})
      ), ins as (
        insert into campaign_recipients (campaign_id, contact_id, number_id, wa_id, position, status, reason)
        select ${campaign.id}, n.id,
          -- The number the contact wrote to when it sends for this campaign, else the next in turn.
          case when n.number_id = any(${nums}::uuid[]) then n.number_id
               else (${nums}::uuid[])[1 + (n.pos - 1) % ${numberIds.length}] end,
          n.wa_id, n.pos,
          case when n.opted_out_at is null and n.wa_id ~ ${VALID_WA_ID} then 'queued' else 'skipped' end::campaign_recipient_status,
          case when n.opted_out_at is not null then 'opted out'
               when n.wa_id !~ ${VALID_WA_ID} then 'invalid: not a WhatsApp phone number' end
        from chosen n
        on conflict (campaign_id, contact_id) do nothing
        returning status
      )
      select count(*)::int as total, count(*) filter (where status = 'skipped')::int as skipped from ins`,
  );
  return row ?? { total: 0, skipped: 0 };
}

export type RecipientCounts = Record<RecipientStatus, number>;

export async function recipientCounts(db: Database, campaignId: string): Promise<RecipientCounts> {
  const rows = await executeRows<{ status: keyof RecipientCounts; n: number }>(
    db,
    sql`select status, count(*)::int as n from campaign_recipients where campaign_id = ${campaignId} group by status`,
  );
  const counts: RecipientCounts = {
    queued: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    replied: 0,
    failed: 0,
    skipped: 0,
  };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
