export {
  Runtime,
  RuntimeNotReadyError,
  FLOW_PUBLISHED_CHANNEL,
  type RuntimeOptions,
} from './runtime.ts';
export type { Channel, InboundMessage, OutboundMessage, NumberStatus } from './channels/channel.ts';
export { SandboxChannel, type SandboxSent } from './channels/sandbox/sandbox-channel.ts';
export type { InboundPayload } from './pipeline/inbound-payload.ts';
export { createLogger, type Logger } from './observability/logger.ts';
export {
  loggableError,
  queryErrorSummary,
  type QueryErrorSummary,
} from './observability/log-errors.ts';
export { queueMessage, type QueuedMessage } from './outbox/queue-message.ts';
export { isPausedForPerson } from './pipeline/process-event.ts';
export { checkDestination, EgressError } from './integrations/egress/guarded-fetch.ts';
export {
  defaultEgressPolicy,
  readEgressPolicy,
  type EgressPolicy,
} from './integrations/egress/address-policy.ts';
export { generateWebhookSecret } from './integrations/webhooks/signing.ts';
export { enqueueWebhookEvent, type WebhookEvent } from './integrations/webhooks/enqueue-event.ts';
export { LATENCY_BUCKETS_MS, type HistogramSnapshot } from './observability/counters.ts';
export { eraseContactData, eraseWhatsAppId } from './retention/erase-contact.ts';
