export * from './lifecycle.ts';
export * from './pacing.ts';
export * from './stop-rule.ts';
export * from './audience.ts';
export * from './settings.ts';
export * from './content.ts';
export { localDate, zonedToInstant, minutesOf } from './zoned-time.ts';
export * from './recipient-status.ts';
export * from './ban-warning.ts';
