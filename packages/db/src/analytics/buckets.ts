// Times kept as counts per bucket (a histogram), so hours add up and a median is read from them:
// the median falls in the bucket where half the count is reached, and is told as a point inside
// it by linear interpolation (exact to the bucket's width).

/** Upper bounds in ms, growing roughly ×2–3 (0: a block left in the same turn) up to a week, which also holds everything above. */
export const TIME_BUCKETS_MS = [
  0, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000,
  3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 604_800_000,
] as const;

/** The bucket of a time (its upper bound, as the row's key). */
export function timeBucket(ms: number): string {
  for (const b of TIME_BUCKETS_MS) if (ms <= b) return String(b);
  return String(TIME_BUCKETS_MS[TIME_BUCKETS_MS.length - 1]);
}

/** The median of a histogram (bucket upper bound → count), in ms; null when it is empty. */
export function medianOf(buckets: ReadonlyMap<number, number>): number | null {
  const entries = [...buckets.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const half = total / 2;
  let seen = 0;
  for (const [upper, n] of entries) {
    if (seen + n >= half) {
      const i = TIME_BUCKETS_MS.findIndex((b) => b === upper);
      const lower = i > 0 ? (TIME_BUCKETS_MS[i - 1] ?? 0) : 0;
      return Math.round(lower + ((half - seen) / n) * (upper - lower));
    }
    seen += n;
  }
  return entries[entries.length - 1]?.[0] ?? null;
}
