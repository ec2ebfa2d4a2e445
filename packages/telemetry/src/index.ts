export { Counters, LATENCY_BUCKETS_MS, type HistogramSnapshot } from './counters.ts';
export {
  loggableError,
  queryErrorSummary,
  serializeError,
  type QueryErrorSummary,
} from './log-errors.ts';
