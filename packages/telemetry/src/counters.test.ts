import { expect, it } from 'vitest';
import { Counters, LATENCY_BUCKETS_MS } from './counters.ts';

it('counts, and files each duration into every bucket at or above it (Prometheus le buckets)', () => {
  const c = new Counters();
  c.inc('sent');
  c.inc('sent', 2);
  expect(c.get('sent')).toBe(3);
  expect(c.get('never')).toBe(0);
  c.observe('lat', 7);
  c.observe('lat', 5000);
  const h = c.histogramSnapshot().lat;
  expect(h).toMatchObject({ count: 2, sumMs: 5007 });
  const at = (le: number) =>
    h?.buckets[LATENCY_BUCKETS_MS.indexOf(le as (typeof LATENCY_BUCKETS_MS)[number])];
  expect([at(5), at(10), at(2500), at(5000), at(10000)]).toEqual([0, 1, 1, 2, 2]);
  // A snapshot is a copy: later observations do not change it.
  c.observe('lat', 1);
  expect(h?.count).toBe(2);
});
