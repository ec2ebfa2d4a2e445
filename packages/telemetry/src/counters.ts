// In-memory counters the runtime keeps for metrics (exported in Prometheus format by the
// operations layer) and for tests to read.
/** Upper bounds (ms) of the latency histograms' buckets. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export interface HistogramSnapshot {
  buckets: number[];
  count: number;
  sumMs: number;
}

export class Counters {
  private values = new Map<string, number>();
  private histograms = new Map<string, HistogramSnapshot>();

  /** Records one duration in the named histogram (pipeline latency, lock wait). */
  observe(name: string, ms: number): void {
    let h = this.histograms.get(name);
    if (!h)
      this.histograms.set(
        name,
        (h = { buckets: LATENCY_BUCKETS_MS.map(() => 0), count: 0, sumMs: 0 }),
      );
    LATENCY_BUCKETS_MS.forEach((le, i) => {
      if (ms <= le)
        (h as HistogramSnapshot).buckets[i] = ((h as HistogramSnapshot).buckets[i] ?? 0) + 1;
    });
    h.count += 1;
    h.sumMs += ms;
  }

  histogramSnapshot(): Record<string, HistogramSnapshot> {
    return Object.fromEntries(
      [...this.histograms].map(([k, v]) => [k, { ...v, buckets: [...v.buckets] }]),
    );
  }

  inc(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.values);
  }
}
