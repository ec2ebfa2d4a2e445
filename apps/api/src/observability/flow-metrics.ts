// Per-flow counters for operators, sampled on each scrape from the analytics counts the turns'
// commits keep (analytics_hours): messages in and out, conversations started, completed,
// abandoned and handed off, per flow. Cardinality: one series per flow × event (6 events), for
// at most MAX_FLOWS flows (the busiest); never per number, version or block (those are in the
// app's analytics, not in Prometheus). The sums restart lower when the retention period deletes
// old hours — Prometheus reads that as a counter reset.
import { Counter, type Registry } from 'prom-client';

export const MAX_FLOWS = 200;
const EVENTS = ['messages_in', 'messages_out', 'started', 'completed', 'abandoned', 'handoffs'];

export function registerFlowMetrics(
  registry: Registry,
  sample: <T extends Record<string, unknown>>(sql: string) => Promise<T[]>,
): void {
  new Counter({
    name: 'waflow_flow_events_total',
    help: `Per flow: messages in/out, conversations started/completed/abandoned, handoffs (the ${MAX_FLOWS} busiest flows)`,
    labelNames: ['flow_id', 'event'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await sample<{ flow_id: string; metric: string; n: string }>(
        `with busiest as (
           select flow_id from analytics_hours where flow_id is not null and metric = 'messages_in'
           group by flow_id order by sum(count) desc limit ${MAX_FLOWS}
         )
         select flow_id, metric, sum(count)::text as n from analytics_hours
         where flow_id in (select flow_id from busiest) and metric in (${EVENTS.map((e) => `'${e}'`).join(', ')})
           and not exists (select 1 from numbers sim where sim.id = number_id and sim.pinned_version_id is not null)
         group by 1, 2`,
      );
      for (const r of rows) this.inc({ flow_id: r.flow_id, event: r.metric }, Number(r.n));
    },
  });
}
