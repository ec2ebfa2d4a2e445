// The Grafana dashboard in docker/grafana reads only metrics /metrics exposes: every waflow_*
// name in its queries is one the API registers (a renamed metric fails here, not in Grafana).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';

const dashboard = JSON.parse(
  readFileSync(
    new URL('../../../../docker/grafana/waflow-dashboard.json', import.meta.url),
    'utf8',
  ),
) as { panels: { title: string; targets: { expr: string }[] }[] };

describe('the Grafana dashboard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('queries only metrics that /metrics exposes', async () => {
    const res = await t.app.request(
      '/metrics',
      {},
      { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
    );
    const exposed = new Set(
      [...(await res.text()).matchAll(/^# TYPE (waflow_\w+) (\w+)$/gm)].flatMap(([, name, type]) =>
        type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
      ),
    );
    const used = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((q) => [...q.expr.matchAll(/waflow_\w+/g)].map((m) => m[0])),
    );
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((name) => !exposed.has(name))).toEqual([]);
    expect(used).toContain('waflow_flow_events_total');
  });
});
