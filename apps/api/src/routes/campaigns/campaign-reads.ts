// A campaign's page reads: sends per minute (the chart), failures by reason, and its recipients
// paged in send order, filtered by status or by phone/name, or all of them as CSV.
import { sql } from 'drizzle-orm';
import type { z } from 'zod/v4';
import { executeRows, type Database } from '@waflow/db';
import { csvLine } from '../results/csv.ts';
import type { recipientsQuery, recipientView } from './schema.ts';

type Query = z.output<typeof recipientsQuery>;
type Recipient = z.output<typeof recipientView>;

export async function sendSeries(db: Database, campaignId: string) {
  const rows = await executeRows<{ at: string; sent: number; failed: number }>(
    db,
    sql`select to_char(date_trunc('minute', coalesce(sent_at, failed_at)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:00"Z"') as at,
          count(*) filter (where status not in ('failed'))::int as sent,
          count(*) filter (where status = 'failed')::int as failed
        from campaign_recipients
        where campaign_id = ${campaignId} and coalesce(sent_at, failed_at) is not null
        group by 1 order by 1`,
  );
  return rows;
}

export async function failureReasons(db: Database, campaignId: string) {
  return executeRows<{ reason: string; count: number }>(
    db,
    sql`select coalesce(reason, 'unknown') as reason, count(*)::int as count from campaign_recipients
        where campaign_id = ${campaignId} and status = 'failed' group by 1 order by 2 desc limit 20`,
  );
}

interface Row {
  id: string;
  contact_id: string;
  wa_id: string;
  name: string | null;
  number_id: string;
  status: string;
  reason: string | null;
  position: number;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  replied_at: string | null;
}

const isoOrNull = (v: string | Date | null) => (v ? new Date(v).toISOString() : null);

function view(r: Row): Recipient {
  return {
    id: r.id,
    contactId: r.contact_id,
    contact: r.wa_id,
    name: r.name,
    numberId: r.number_id,
    status: r.status,
    reason: r.reason,
    sentAt: isoOrNull(r.sent_at),
    deliveredAt: isoOrNull(r.delivered_at),
    readAt: isoOrNull(r.read_at),
    repliedAt: isoOrNull(r.replied_at),
  };
}

export async function recipientPage(
  db: Database,
  campaignId: string,
  q: Query,
): Promise<{ items: Recipient[]; nextCursor: string | null }> {
  const like = q.q ? `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const rows = await executeRows<Row>(
    db,
    sql`select r.id, r.contact_id, r.wa_id, c.name, r.number_id, r.status::text, r.reason, r.position,
          r.sent_at, r.delivered_at, r.read_at, r.replied_at
        from campaign_recipients r join contacts c on c.id = r.contact_id
        where r.campaign_id = ${campaignId}
          and r.position > ${Number(q.cursor ?? 0)}
          ${q.status ? sql`and r.status = ${q.status}` : sql``}
          ${like ? sql`and (r.wa_id ilike ${like} or c.name ilike ${like})` : sql``}
        order by r.position limit ${q.limit + 1}`,
  );
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  return {
    items: items.map(view),
    nextCursor: more ? String(items.at(-1)?.position ?? 0) : null,
  };
}

/** Every recipient as CSV, in send order, read a page at a time. */
export async function* recipientsCsv(db: Database, campaignId: string, status?: Query['status']) {
  // A BOM so spreadsheet programs read UTF-8 (accents, emoji) correctly.
  yield `\uFEFF${csvLine(['contact', 'name', 'status', 'reason', 'sent_at', 'delivered_at', 'read_at', 'replied_at'])}`;
  let cursor: string | undefined;
  for (;;) {
    const page = await recipientPage(db, campaignId, {
      limit: 500,
      ...(cursor ? { cursor } : {}),
      ...(status ? { status } : {}),
    });
    yield page.items
      .map((r) =>
        csvLine([
          r.contact,
          r.name,
          r.status,
          r.reason,
          r.sentAt,
          r.deliveredAt,
          r.readAt,
          r.repliedAt,
        ]),
      )
      .join('');
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
