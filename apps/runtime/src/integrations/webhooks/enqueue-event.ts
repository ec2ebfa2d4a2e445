// Webhook events are queued by the data layer (in the transaction of what caused them); the
// runtime's pipeline, outbox and deliverer import them from here.
export { enqueueWebhookEvent, envelope, type WebhookEvent } from '@waflow/db';
