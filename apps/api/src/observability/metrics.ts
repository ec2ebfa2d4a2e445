// Operations endpoints: /health (the process answers), /ready (database reachable, migrations
// applied, Redis answering when configured) and /metrics (Prometheus, prom-client; who may read it: metrics-access.ts): process metrics, the runtime's counters, and
// queue depths/ages, conversations and number states sampled from Postgres on each scrape.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { migrationsFolder } from '@waflow/db';
import { LATENCY_BUCKETS_MS } from '@waflow/telemetry';
import type { AppEnv, Deps } from '../context.ts';
import { registerFlowMetrics } from './flow-metrics.ts';
import { requireMetricsAccess } from './metrics-access.ts';

function expectedMigrations(): number {
  const journal = JSON.parse(
    readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
  ) as { entries: unknown[] };
  return journal.entries.length;
}

async function appliedMigrations(deps: Deps): Promise<number> {
  const rows = await deps.client.query<{ n: string }>(
    'select count(*)::text as n from drizzle.__drizzle_migrations',
  );
  return Number(rows[0]?.n ?? 0);
}

const HISTOGRAMS: Record<string, string> = {
  pipeline_latency: 'Inbound message persisted until handled (checkpoint, replies queued), seconds',
  lock_wait: 'Time waiting for the conversation lock, seconds',
};

/** The runtime's latency histograms in Prometheus text format (seconds, cumulative buckets). */
function runtimeHistograms(deps: Deps): string {
  const snap = deps.runtime?.counters.histogramSnapshot() ?? {};
  let out = '';
  for (const [name, help] of Object.entries(HISTOGRAMS)) {
    const h = snap[name] ?? { buckets: LATENCY_BUCKETS_MS.map(() => 0), count: 0, sumMs: 0 };
    const metric = `waflow_${name}_seconds`;
    out += `# HELP ${metric} ${help}\n# TYPE ${metric} histogram\n`;
    LATENCY_BUCKETS_MS.forEach(
      (le, i) => (out += `${metric}_bucket{le="${le / 1000}"} ${h.buckets[i] ?? 0}\n`),
    );
    out += `${metric}_bucket{le="+Inf"} ${h.count}\n${metric}_sum ${h.sumMs / 1000}\n${metric}_count ${h.count}\n`;
  }
  return out;
}

export function registerOperations(app: Hono<AppEnv>, deps: Deps): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'waflow_' });
  const num = (v: unknown) => Number(v ?? 0);
  const sample = async <T extends Record<string, unknown>>(sql: string) =>
    deps.client.query<T>(sql).catch(() => [] as T[]);

  new Gauge({
    name: 'waflow_outbox_queued',
    help: 'Outbound messages waiting to be sent, by number',
    labelNames: ['number_id'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await sample<{ number_id: string; n: string }>(
        `select number_id, count(*) as n from outbox where status = 'queued' group by number_id`,
      ))
        this.set({ number_id: r.number_id }, num(r.n));
    },
  });
  new Gauge({
    name: 'waflow_outbox_oldest_queued_seconds',
    help: 'Age of the oldest queued outbound message',
    registers: [registry],
    async collect() {
      const [r] = await sample<{ s: string | null }>(
        `select extract(epoch from now() - min(created_at)) as s from outbox where status = 'queued'`,
      );
      this.set(num(r?.s));
    },
  });
  new Gauge({
    name: 'waflow_webhook_deliveries_pending',
    help: 'Webhook deliveries waiting for their next attempt',
    registers: [registry],
    async collect() {
      const [r] = await sample<{ n: string }>(
        `select count(*) as n from webhook_deliveries where status in ('pending', 'delivering')`,
      );
      this.set(num(r?.n));
    },
  });
  new Gauge({
    name: 'waflow_webhook_oldest_pending_seconds',
    help: 'Age of the oldest pending webhook delivery',
    registers: [registry],
    async collect() {
      const [r] = await sample<{ s: string | null }>(
        `select extract(epoch from now() - min(created_at)) as s from webhook_deliveries where status = 'pending'`,
      );
      this.set(num(r?.s));
    },
  });
  new Gauge({
    name: 'waflow_inbound_pending',
    help: 'Inbound events persisted but not processed yet',
    registers: [registry],
    async collect() {
      const [r] = await sample<{ n: string }>(
        `select count(*) as n from inbound_events where status in ('pending', 'processing')`,
      );
      this.set(num(r?.n));
    },
  });
  new Gauge({
    name: 'waflow_conversations_open',
    help: 'Open conversations by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await sample<{ status: string; n: string }>(
        `select status, count(*) as n from conversations where status in ('active', 'waiting', 'handoff') group by status`,
      ))
        this.set({ status: r.status }, num(r.n));
    },
  });
  new Gauge({
    name: 'waflow_numbers',
    help: 'WhatsApp and sandbox numbers by session state',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await sample<{ status: string; n: string }>(
        `select status, count(*) as n from numbers where deleted_at is null and pinned_version_id is null group by status`,
      ))
        this.set({ status: r.status }, num(r.n));
    },
  });
  new Gauge({
    name: 'waflow_number_client_restarts',
    help: 'WhatsApp client (Chromium) restarts per number',
    labelNames: ['number_id'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await sample<{ id: string; restart_count: number }>(
        `select id, restart_count from numbers where deleted_at is null and channel = 'whatsapp'`,
      ))
        this.set({ number_id: r.id }, num(r.restart_count));
    },
  });
  registerFlowMetrics(registry, sample);
  // The embedded runtime's own counters (inbound received/processed/duplicates, stale fences…).
  new Counter({
    name: 'waflow_runtime_events_total',
    help: 'Runtime counters of this process, by name',
    labelNames: ['name'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, v] of Object.entries(deps.runtime?.counters.snapshot() ?? {}))
        this.inc({ name }, v);
    },
  });

  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/ready', async (c) => {
    const problems: string[] = [];
    const database = await deps.client.query('select 1').then(
      () => true,
      () => false,
    );
    if (!database) problems.push('the database does not answer');
    let migrations = false;
    if (database) {
      const [applied, expected] = [
        await appliedMigrations(deps).catch(() => -1),
        expectedMigrations(),
      ];
      migrations = applied >= expected;
      if (!migrations) problems.push(`migrations applied: ${applied} of ${expected}`);
    }
    // Redis (when it coordinates the runtime): without it conversations wait, nothing is lost.
    let redis: boolean | undefined;
    if (deps.coord?.kind === 'redis') {
      const h = await deps.coord.health().catch((err: unknown) => ({
        ok: false,
        detail: err instanceof Error ? err.message : String(err),
      }));
      redis = h.ok;
      if (!h.ok) problems.push(`Redis is not reachable${h.detail ? `: ${h.detail}` : ''}`);
    }
    const ok = problems.length === 0;
    return c.json(
      {
        ok,
        database,
        migrations,
        ...(redis === undefined ? {} : { redis }),
        ...(ok ? {} : { problems }),
      },
      ok ? 200 : 503,
    );
  });
  app.get('/metrics', requireMetricsAccess(deps), async (c) =>
    c.body((await registry.metrics()) + runtimeHistograms(deps), 200, {
      'content-type': registry.contentType,
    }),
  );
}
