export { Runtime, FLOW_PUBLISHED_CHANNEL, type RuntimeOptions } from './runtime.ts';
export type { Channel, InboundMessage, OutboundMessage, NumberStatus } from './channels/channel.ts';
export { SandboxChannel, type SandboxSent } from './channels/sandbox/sandbox-channel.ts';
export type { InboundPayload } from './pipeline/inbound-payload.ts';
export { createLogger, type Logger } from './observability/logger.ts';
export { queueMessage, type QueuedMessage } from './outbox/queue-message.ts';
export { isPausedForPerson } from './pipeline/process-event.ts';
