// The runtime, for the processes that compose it (the API's main.ts, number workers) and tests.
// What other apps share with it lives in packages (@waflow/db, @waflow/egress, @waflow/channel…).
export { Runtime } from './runtime.ts';
export { RuntimeNotReadyError, type RuntimeOptions } from './runtime-options.ts';
export { SandboxChannel, type SandboxSent } from './channels/sandbox/sandbox-channel.ts';
export { createLogger, type Logger } from './observability/logger.ts';
export {
  CLOUD_API_DEFAULT_MPS,
  CloudApiChannel,
  cloudApiProvider,
} from './channels/cloud-api/cloud-api-channel.ts';
export { TwilioChannel, twilioProvider } from './channels/twilio/twilio-channel.ts';
export {
  ProviderNumbers,
  type ProviderDelivery,
  type ProviderKind,
  type ProviderNumbersOptions,
} from './channels/provider/provider-numbers.ts';
export { startProviders, type Providers } from './channels/provider/start-providers.ts';
export { OUTSIDE_WINDOW_REASON, SERVICE_WINDOW_MS } from './channels/provider/service-window.ts';
