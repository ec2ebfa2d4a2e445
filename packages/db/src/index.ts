export {
  createDb,
  type CreateDbOptions,
  type Database,
  type DbClient,
  type Schema,
} from './client.ts';
export { migrate, migrationsFolder } from './migrate.ts';
export { executeRows, statement, Statement, uuidArrayText } from './sql-rows.ts';
export * as schema from './schema/index.ts';
export * from './repos/workspaces.ts';
export * from './repos/flows.ts';
export * from './repos/conversations.ts';
export * from './repos/handoff.ts';
export * from './repos/handoff-assignment.ts';
export * from './repos/checkpoints.ts';
export * from './repos/messages.ts';
export * from './repos/inbound-events.ts';
export * from './repos/session-store.ts';
export * from './repos/channel-accounts.ts';
export * from './repos/webhook-events.ts';
export * from './repos/number-leases.ts';
export * from './repos/numbers.ts';
export {
  createKeyring,
  loadKeyring,
  CryptoError,
  type Keyring,
  type KeyringOptions,
} from './crypto/index.ts';
export * from './repos/retention.ts';
export { FLOW_PUBLISHED_CHANNEL, NUMBERS_CHANGED_CHANNEL } from './notify-channels.ts';
export { readHostLease, type HostLease } from './host-lease-env.ts';
export * from './repos/queue-message.ts';
export * from './repos/erase-contact.ts';
export * from './analytics/index.ts';
export { parseInboundPayload, type InboundPayload } from './inbound-payload.ts';
export type * from './webhooks.gen.ts';
export * from './repos/contact-phone.ts';
export * from './opt-out-keywords.ts';
export * from './repos/contact-attribute-values.ts';
export * from './repos/contacts.ts';
export * from './repos/campaign-recipients.ts';
export * from './repos/campaigns.ts';
