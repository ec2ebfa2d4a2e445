export { Counters, LATENCY_BUCKETS_MS, type HistogramSnapshot } from './counters.ts';
