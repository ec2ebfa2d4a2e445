// The runtime, for the processes that compose it (the API's main.ts, number workers) and tests.
// What other apps share with it lives in packages (@waflow/db, @waflow/egress, @waflow/channel…).
export { Runtime, RuntimeNotReadyError, type RuntimeOptions } from './runtime.ts';
export { SandboxChannel, type SandboxSent } from './channels/sandbox/sandbox-channel.ts';
export { createLogger, type Logger } from './observability/logger.ts';
export {
  CloudApiChannel,
  OUTSIDE_WINDOW_REASON,
  SERVICE_WINDOW_MS,
} from './channels/cloud-api/cloud-api-channel.ts';
export {
  CloudApiNumbers,
  type CloudApiNumbersOptions,
} from './channels/cloud-api/cloud-api-numbers.ts';
