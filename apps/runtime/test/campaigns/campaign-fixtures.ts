// Campaign fixtures: contacts written in one statement, a campaign with its numbers, started
// (recipients chosen) or scheduled, as the API would write them.
import { sql } from 'drizzle-orm';
import { executeRows, schema, startCampaign, type DbClient } from '@waflow/db';

/**
 * `count` contacts who wrote to `numberId` (null: imported), WhatsApp ids `<prefix><i>@c.us`
 * (i zero-padded to 7).
 */
export async function seedContacts(
  client: DbClient,
  workspaceId: string,
  numberId: string | null,
  count: number,
  prefix = '3460',
): Promise<void> {
  await executeRows(
    client.db,
    sql`insert into contacts (workspace_id, number_id, wa_id, created_at)
        select ${workspaceId}, ${numberId}::uuid, ${prefix} || lpad(i::text, 7, '0') || '@c.us',
               now() + i * interval '1 millisecond'
        from generate_series(1, ${count}) i`,
  );
}

export const waIdOf = (i: number, prefix = '3460') => `${prefix}${String(i).padStart(7, '0')}@c.us`;

export async function createCampaign(
  client: DbClient,
  c: {
    workspaceId: string;
    numberIds: string[];
    content: Record<string, unknown>;
    settings?: Record<string, unknown>;
    audience?: Record<string, unknown>;
    timeZone?: string;
    /** Started now (default), or scheduled for this instant. */
    scheduledAt?: Date;
  },
): Promise<string> {
  const [row] = await client.db
    .insert(schema.campaigns)
    .values({
      workspaceId: c.workspaceId,
      name: 'Test campaign',
      status: c.scheduledAt ? 'scheduled' : 'draft',
      audience: c.audience ?? { kind: 'all' },
      content: c.content,
      settings: c.settings ?? {},
      timeZone: c.timeZone ?? 'UTC',
      scheduledAt: c.scheduledAt ?? null,
    })
    .returning({ id: schema.campaigns.id });
  if (!row) throw new Error('no campaign');
  await client.db
    .insert(schema.campaignNumbers)
    .values(
      c.numberIds.map((numberId) => ({ campaignId: row.id, numberId, nextSendAt: new Date(0) })),
    );
  if (!c.scheduledAt) await client.db.transaction((tx) => startCampaign(tx, row.id, new Date()));
  return row.id;
}

export async function countsOf(client: DbClient, campaignId: string) {
  const rows = await executeRows<{ status: string; n: number }>(
    client.db,
    sql`select status::text, count(*)::int as n from campaign_recipients where campaign_id = ${campaignId} group by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export async function campaignStatus(client: DbClient, campaignId: string): Promise<string> {
  const [row] = await executeRows<{ status: string }>(
    client.db,
    sql`select status::text from campaigns where id = ${campaignId}`,
  );
  return row?.status ?? 'missing';
}
