export * from './buckets.ts';
export * from './turn-counts.ts';
export * from './canvas-figures.ts';
export * from './dashboard-figures.ts';
export * from './day-rollup.ts';
