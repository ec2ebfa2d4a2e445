// The runtime, for the processes that compose it (the API's main.ts, number workers) and tests.
// What other apps share with it lives in packages (@waflow/db, @waflow/egress, @waflow/channel…).
export { Runtime, RuntimeNotReadyError, type RuntimeOptions } from './runtime.ts';
export { SandboxChannel, type SandboxSent } from './channels/sandbox/sandbox-channel.ts';
export { createLogger, type Logger } from './observability/logger.ts';
