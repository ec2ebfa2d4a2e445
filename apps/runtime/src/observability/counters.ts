// In-memory counters the runtime keeps for metrics (exported in Prometheus format by the
// operations layer) and for tests to read.
export class Counters {
  private values = new Map<string, number>();

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
