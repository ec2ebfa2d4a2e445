// API benchmark: the API in its own process on a throwaway real Postgres, loaded by autocannon
// from this one. Authenticated `GET /api/v1/workspaces/:ws/flows/:id` and draft saves (PUT with
// If-Match, each carrying the ETag the previous save returned, as the builder's autosave does).
// The flow read is measured beside a baseline: the same row through a bare Hono route with one
// postgres.js query and no auth (baseline.ts), in the same server process, on the same database
// with the same autocannon settings, the two taking turns BENCH_ROUNDS times (their mean counts).
// Last line: api_flow_get_rps=N baseline_rps=B api_ratio=N/B api_draft_put_rps=M
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { createDb, migrate } from '@waflow/db';
import { createTestDatabase, freePort, startPostgres } from '@waflow/testkit';
import { postJson } from '../shared/setup.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const lead = JSON.parse(
  readFileSync(new URL('../../schemas/examples/lead-capture.flow.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

const pg = await startPostgres();
const db = await createTestDatabase(pg.url, 'bench_api');
const client = await createDb({ url: db.url });
await migrate(client);
await client.close();

const port = await freePort();
const baselinePort = await freePort();
const server = fork(new URL('./server.ts', import.meta.url), [], {
  execArgv: [
    '--import',
    'tsx',
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/api-prof'] : []),
  ],
  env: {
    ...process.env,
    DATABASE_URL: db.url,
    PORT: String(port),
    BASELINE_PORT: String(baselinePort),
    BENCH_KEY: randomBytes(32).toString('hex'),
  },
  stdio: 'inherit',
});
await new Promise<void>((resolve, reject) => {
  server.once('message', () => resolve());
  server.once('exit', (code) =>
    reject(new Error(`the API server exited (${code}) before it was ready`)),
  );
});
const base = `http://127.0.0.1:${port}`;

const post = (path: string, body: unknown, token?: string) => postJson(base, path, body, token);

try {
  const setup = await post('/api/v1/setup', {
    email: 'bench@waflow.test',
    password: 'bench password 123',
    name: 'Bench',
    workspaceName: 'Bench',
  });
  const token = setup.accessToken as string;
  const ws = (setup.workspaces as { id: string }[])[0]?.id ?? '';
  const flow = await post(`/api/v1/workspaces/${ws}/flows`, { name: 'Leads', config: lead }, token);
  const flowPath = `/api/v1/workspaces/${ws}/flows/${String(flow.id)}`;
  const auth = { authorization: `Bearer ${token}` };

  const baselineUrl = `http://127.0.0.1:${baselinePort}/flows/${String(flow.id)}`;
  // Both routes answer the same document (the baseline renders the draft's text every time).
  const [viaApi, viaBaseline] = await Promise.all([
    fetch(base + flowPath, { headers: auth }).then((r) => r.json()),
    fetch(baselineUrl).then((r) => r.json()),
  ]);
  if (JSON.stringify(viaApi) !== JSON.stringify(viaBaseline))
    throw new Error('the baseline route answers another document than the API');

  // Warm-up (JIT, connection pools), not measured.
  await autocannon({ url: base + flowPath, connections: 10, duration: 2, headers: auth });
  await autocannon({ url: baselineUrl, connections: 10, duration: 2 });

  // The API's read and the baseline's take turns (the host is shared: its speed moves within minutes).
  const gets: autocannon.Result[] = [];
  const baselines: autocannon.Result[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const get = await autocannon({
      url: base + flowPath,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: auth,
    });
    if (get.non2xx > 0) throw new Error(`GET flow: ${get.non2xx} non-2xx answers`);
    const bare = await autocannon({
      url: baselineUrl,
      connections: CONNECTIONS,
      duration: SECONDS,
    });
    if (bare.non2xx > 0) throw new Error(`baseline GET: ${bare.non2xx} non-2xx answers`);
    console.log(
      `GET  ${flowPath.replace(/[0-9a-f-]{36}/g, ':id')}  ${Math.round(get.requests.average)} req/s  p50 ${get.latency.p50} ms  p99 ${get.latency.p99} ms`,
    );
    console.log(
      `GET  baseline /flows/:id (bare Hono + one postgres.js query, no auth)  ${Math.round(bare.requests.average)} req/s  p50 ${bare.latency.p50} ms  p99 ${bare.latency.p99} ms`,
    );
    gets.push(get);
    baselines.push(bare);
  }
  const mean = (rs: autocannon.Result[]) =>
    Math.round(rs.reduce((a, r) => a + r.requests.average, 0) / rs.length);
  const getRps = mean(gets);
  const baselineRps = mean(baselines);

  // Saves are serial per flow (each needs the last ETag): one flow per connection.
  const drafts: { path: string; etag: string }[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const f = await post(
      `/api/v1/workspaces/${ws}/flows`,
      { name: `Draft ${i}`, config: lead },
      token,
    );
    drafts.push({ path: `/api/v1/workspaces/${ws}/flows/${String(f.id)}/draft`, etag: '"1"' });
  }
  let conflicts = 0;
  let next = 0;
  const body = JSON.stringify(lead);
  const put = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    // One flow per connection, held by the connection (autocannon resets `context` every round):
    // its saves are serial, each with the ETag the last one returned, as the builder's autosave.
    setupClient: (client) => {
      const d = drafts[next++ % drafts.length] as { path: string; etag: string };
      client.setRequests([
        {
          method: 'PUT',
          path: d.path,
          setupRequest: (req) => ({
            ...req,
            headers: { ...auth, 'content-type': 'application/json', 'if-match': d.etag },
            body,
          }),
          onResponse: (status, _body, _context, headers) => {
            if (status === 409) conflicts++;
            if (headers?.etag) d.etag = headers.etag as string;
          },
        },
      ]);
    },
  });
  // Only saves that landed count (a 409 means autocannon sent a request before the last ETag came back).
  const saves = Math.round((put.requests.total - put.non2xx) / put.duration);
  console.log(
    `PUT  draft (If-Match)  ${saves} saves/s  p50 ${put.latency.p50} ms  p99 ${put.latency.p99} ms  (${conflicts} stale-ETag 409s not counted)`,
  );
  console.log(
    `api_flow_get_rps=${getRps} baseline_rps=${baselineRps} api_ratio=${(getRps / baselineRps).toFixed(2)} api_draft_put_rps=${saves}`,
  );
} finally {
  server.kill('SIGTERM');
  await pg.stop();
}
