// Seeds a workspace as if it had run the shop flow (testkit shopFlow) for DAYS days on NUMBERS
// sandbox numbers: `conversations` conversations of `messages` messages in all, each one of the
// five shop scripts (completed, handed off, stopped at sales, stopped at the menu, retried to a
// person), with their transcript lines — and the analytics the turns' commits would have added up:
// analytics_hours (and its rollup per day, analytics_days) and analytics_block_hours. Beside
// them, the same block visits as a row per visit (bench_block_visits, the storage option not
// chosen), to measure both. All in SQL (generate_series).
import { sql } from 'drizzle-orm';
import {
  addToDays,
  createFlow,
  createWorkspace,
  migrate,
  publishFlowVersion,
  schema,
  type DbClient,
} from '@waflow/db';
import { shopFlow } from '@waflow/testkit';

export const DAYS = 90;
const NUMBERS = 5;

export interface Seeded {
  workspaceId: string;
  flowId: string;
  versionIds: string[];
  from: Date;
  to: Date;
}

/**
 * The five scripts' block visits: [script, step, node, left towards ('' end, null: stopped there),
 * ms spent, invalid answers]. Script n is conversation n % 5.
 */
const PATHS: [number, number, string, string | null, number, number][] = [
  [0, 0, 'menu', 'sales', 8_000, 0],
  [0, 1, 'sales', 'bye', 15_000, 0],
  [0, 2, 'bye', '', 0, 0],
  [1, 0, 'menu', 'help', 6_000, 0],
  [1, 1, 'help', null, 0, 0],
  [2, 0, 'menu', 'sales', 40_000, 1],
  [2, 1, 'sales', null, 0, 0],
  [3, 0, 'menu', null, 0, 0],
  [4, 0, 'menu', 'human', 90_000, 2],
  [4, 1, 'human', null, 0, 0],
];

export async function seed(
  client: DbClient,
  opts: { messages: number; conversations: number },
): Promise<Seeded> {
  await migrate(client);
  const ws = await createWorkspace(client.db, 'Bench shop');
  const flow = await createFlow(client.db, { workspaceId: ws.id, name: 'Shop', draft: shopFlow });
  const v1 = await publishFlowVersion(client.db, { flowId: flow.id, config: shopFlow });
  const v2 = await publishFlowVersion(client.db, { flowId: flow.id, config: shopFlow });
  const numbers = await client.db
    .insert(schema.numbers)
    .values(
      Array.from({ length: NUMBERS }, (_, i) => ({
        workspaceId: ws.id,
        label: `Line ${i + 1}`,
        channel: 'sandbox' as const,
        flowId: flow.id,
      })),
    )
    .returning({ id: schema.numbers.id });
  const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  const from = new Date(to.getTime() - DAYS * 86_400_000);
  const perConversation = Math.max(2, Math.round(opts.messages / opts.conversations));
  const params = {
    ws: ws.id,
    flow: flow.id,
    v1: v1.id,
    v2: v2.id,
    numbers: `{${numbers.map((n) => n.id).join(',')}}`,
    n: opts.conversations,
    per: perConversation,
    from: from.toISOString(),
    spanS: DAYS * 86_400 - 3_600,
  };
  const TYPES: Record<keyof typeof params, string> = {
    ws: 'uuid',
    flow: 'uuid',
    v1: 'uuid',
    v2: 'uuid',
    numbers: 'uuid[]',
    n: 'int',
    per: 'int',
    from: 'timestamptz',
    spanS: 'float8',
  };
  // Named parameters ($ws, $n…) become positional ones, only those the statement uses.
  const q = (text: string) => {
    const used: unknown[] = [];
    const positional = text.replace(/\$([a-zA-Z][a-zA-Z0-9]*)/g, (_, name: keyof typeof params) => {
      if (!(name in params)) throw new Error(`seed: no parameter $${name}`);
      used.push(params[name]);
      return `($${used.length}::${TYPES[name]})`;
    });
    return client.query(positional, used);
  };
  // History is loaded in bulk: the inbox's statement-level triggers (its live event log, migration
  // 0015) would build one event list of the million rows; they are off while seeding.
  await client.query('alter table conversations disable trigger user');
  await client.query('alter table messages disable trigger user');
  // Conversation i: number i % 5, version 1 for the first half of the days, 2 after, started at a
  // time spread evenly over the range; script i % 5.
  await q(`create table seed_conv as
    select i, gen_random_uuid() as id, gen_random_uuid() as contact_id,
      ($numbers::uuid[])[1 + i % 5] as number_id,
      case when i < $n / 2 then $v1::uuid else $v2::uuid end as version_id,
      $from::timestamptz + make_interval(secs => (i::float8 / $n) * $spanS) as at,
      i % 5 as script
    from generate_series(0, $n - 1) i`);
  await q(`insert into contacts (id, workspace_id, number_id, wa_id)
    select contact_id, $ws, number_id, '34' || lpad(i::text, 9, '0') || '@c.us' from seed_conv`);
  await q(`insert into conversations (id, workspace_id, number_id, contact_id, flow_id, flow_version_id, status, last_activity_at, created_at)
    select id, $ws, number_id, contact_id, $flow, version_id,
      (case script when 0 then 'completed' when 1 then 'handoff' when 4 then 'handoff' else 'expired' end)::conversation_status,
      at + interval '2 minutes', at from seed_conv`);
  // Messages alternate in and out, a few seconds apart; one send in a hundred failed.
  await q(`insert into messages (workspace_id, number_id, conversation_id, direction, type, body, status, author, created_at)
    select $ws, c.number_id, c.id, (case when k % 2 = 0 then 'in' else 'out' end)::message_direction, 'text', 'm' || k,
      (case when k % 2 = 0 then 'delivered' when (c.i + k) % 100 = 0 then 'failed' else 'sent' end)::message_status,
      case when k % 2 = 0 then 'contact' else 'bot' end, c.at + make_interval(secs => k * 5)
    from seed_conv c cross join generate_series(0, $per - 1) k`);
  await q(`insert into analytics_hours (workspace_id, flow_id, number_id, hour, metric, key, count)
    select $ws, $flow, number_id, hour, metric, key, sum(n) from (
      select number_id, date_trunc('hour', at) as hour, unnest(array['started', 'messages_in', 'messages_out', 'reply_ms']) as metric,
        unnest(array['', '', '', '250']) as key, unnest(array[1, ceil($per / 2.0)::int, floor($per / 2.0)::int, floor($per / 2.0)::int]) as n
      from seed_conv
      union all
      select number_id, date_trunc('hour', at), case script when 0 then 'completed' else 'handoffs' end, '', 1
      from seed_conv where script in (0, 1, 4)
      union all
      -- the failed sends the messages below carry (one in a hundred)
      select c.number_id, date_trunc('hour', c.at), 'failed_sends', '', 1
      from seed_conv c cross join generate_series(0, $per - 1) k where k % 2 = 1 and (c.i + k) % 100 = 0
    ) x group by 3, 4, 5, 6`);
  // Their rollup per day, as the turns' commits add to it beside the hours.
  await client.db.execute(
    addToDays(
      sql`select workspace_id, flow_id, number_id, hour, metric, key, count from analytics_hours`,
    ),
  );
  await q(
    `create table seed_path (script int, step int, node text, next text, ms int, invalid int)`,
  );
  await client.query(
    `insert into seed_path select * from jsonb_to_recordset($1::jsonb) as p(script int, step int, node text, next text, ms int, invalid int)`,
    [
      JSON.stringify(
        PATHS.map(([script, step, node, next, ms, invalid]) => ({
          script,
          step,
          node,
          next,
          ms,
          invalid,
        })),
      ),
    ],
  );
  await q(`insert into analytics_block_hours (workspace_id, flow_id, flow_version_id, node_id, hour, metric, key, count)
    select $ws, $flow, version_id, node, hour, metric, key, sum(n) from (
      select c.version_id, p.node, date_trunc('hour', c.at) as hour, 'entered' as metric, '' as key, 1 as n
      from seed_conv c join seed_path p on p.script = c.script
      union all
      select c.version_id, p.node, date_trunc('hour', c.at), 'left', p.next, 1
      from seed_conv c join seed_path p on p.script = c.script where p.next is not null
      union all
      select c.version_id, p.node, date_trunc('hour', c.at), 'time',
        case when p.ms = 0 then '0' when p.ms <= 10000 then '10000' when p.ms <= 30000 then '30000' when p.ms <= 60000 then '60000' else '120000' end, 1
      from seed_conv c join seed_path p on p.script = c.script where p.next is not null
      union all
      select c.version_id, p.node, date_trunc('hour', c.at), 'invalid', '', p.invalid
      from seed_conv c join seed_path p on p.script = c.script where p.invalid > 0
    ) x group by 3, 4, 5, 6, 7`);
  // The option not chosen: a row per block visit, indexed for the canvas's query.
  await q(`create table bench_block_visits (conversation_id uuid not null, seq int not null, flow_version_id uuid not null,
    node_id text not null, next_node text, ms int, invalid int not null, entered_at timestamptz not null, primary key (conversation_id, seq))`);
  await q(`insert into bench_block_visits
    select c.id, p.step, c.version_id, p.node, p.next, case when p.next is null then null else p.ms end, p.invalid, c.at
    from seed_conv c join seed_path p on p.script = c.script`);
  await q(
    `create index bench_block_visits_version_idx on bench_block_visits (flow_version_id, entered_at) include (node_id, next_node, ms, invalid)`,
  );
  await client.query('alter table conversations enable trigger user');
  await client.query('alter table messages enable trigger user');
  await client.query('drop table seed_conv, seed_path');
  await client.query('vacuum analyze');
  return { workspaceId: ws.id, flowId: flow.id, versionIds: [v1.id, v2.id], from, to };
}
