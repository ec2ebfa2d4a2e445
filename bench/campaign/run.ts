// Campaign start benchmark: 100,000 contacts (tagged and attributed) on a throwaway real
// Postgres; a campaign for a segment of them is started (startCampaign: the audience read as SQL,
// opted-out and invalid ids skipped with their reason, numbers dealt, the campaign.started event),
// against a baseline in the same run: one bare INSERT…SELECT of the same contacts into the same
// table. Prints the time of each and rss; last line
// campaign_recipients_per_s=N rss_mb=M ratio=R   (R = baseline time / campaign time: 1 is as fast)
import { sql } from 'drizzle-orm';
import { createDb, executeRows, migrate, schema, startCampaign, createWorkspace } from '@waflow/db';
import { createTestDatabase, startPostgres } from '@waflow/testkit';

const N = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const pg = await startPostgres();
try {
  const client = await createDb({ url: (await createTestDatabase(pg.url, 'bench_campaign')).url });
  await migrate(client);
  const ws = await createWorkspace(client.db, 'bench');
  const numbers = await client.db
    .insert(schema.numbers)
    .values(
      [1, 2].map((i) => ({ workspaceId: ws.id, label: `n${i}`, channel: 'sandbox' as const })),
    )
    .returning();
  await executeRows(
    client.db,
    sql`insert into contacts (workspace_id, wa_id, phone, tags, attributes, opted_out_at)
        select ${ws.id}, '3460' || lpad(i::text, 8, '0') || '@c.us', '+3460' || lpad(i::text, 8, '0'),
          case when i % 10 = 0 then array['lapsed'] else array['customer'] end,
          jsonb_build_object('city', case when i % 2 = 0 then 'Madrid' else 'Sevilla' end),
          case when i % 100 = 0 then now() end
        from generate_series(1, ${N}) i`,
  );
  await executeRows(client.db, sql`analyze contacts`);
  const audience = {
    kind: 'segment' as const,
    match: 'all' as const,
    conditions: [{ type: 'tag' as const, tag: 'lapsed', has: false }],
  };

  const newCampaign = async () => {
    const [c] = await client.db
      .insert(schema.campaigns)
      .values({
        workspaceId: ws.id,
        name: 'bench',
        audience,
        content: { kind: 'message', text: 'hi' },
        settings: {},
      })
      .returning();
    if (!c) throw new Error('no campaign');
    await client.db
      .insert(schema.campaignNumbers)
      .values(numbers.map((n) => ({ campaignId: c.id, numberId: n.id })));
    return c.id;
  };

  const baselineMs: number[] = [];
  const campaignMs: number[] = [];
  let chosen = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Baseline: the same contacts, one plain INSERT…SELECT, no audience logic, no event.
    const base = await newCampaign();
    let t = performance.now();
    await executeRows(
      client.db,
      sql`insert into campaign_recipients (campaign_id, contact_id, number_id, wa_id, position)
          select ${base}, c.id, ${numbers[0]?.id}, c.wa_id, row_number() over (order by c.id)::int
          from contacts c where c.workspace_id = ${ws.id} and not ('lapsed' = any(c.tags))`,
    );
    baselineMs.push(performance.now() - t);

    const id = await newCampaign();
    t = performance.now();
    const started = await client.db.transaction((tx) => startCampaign(tx, id, new Date()));
    campaignMs.push(performance.now() - t);
    chosen = started?.total ?? 0;
    await executeRows(client.db, sql`delete from campaign_recipients`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const b = median(baselineMs);
  const c = median(campaignMs);
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  console.log(
    `recipients chosen per campaign: ${chosen} of ${N} contacts (median of ${ROUNDS} rounds)`,
  );
  console.log(`baseline INSERT…SELECT: ${b.toFixed(0)} ms; startCampaign: ${c.toFixed(0)} ms`);
  console.log(
    `campaign_recipients_per_s=${Math.round(chosen / (c / 1000))} rss_mb=${rss} ratio=${(b / c).toFixed(2)}`,
  );
  await client.close();
} finally {
  await pg.stop();
}
