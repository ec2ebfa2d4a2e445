// The integrator API (an API key bound to one workspace): start a flow for a contact — the one
// way the bot may open a conversation — send a message, write contacts in bulk, erase a person, read
// results, conversations and analytics. Starts and sends take an Idempotency-Key (idempotency.ts).
import type { Deps } from '../../context.ts';
import type { RouteFn } from '../../routing/route.ts';
import { registerEraseContact } from './erase-contact.ts';
import { registerReadAnalytics } from './read-analytics.ts';
import { registerReadResults } from './read-results.ts';
import { registerSendMessage } from './send-message.ts';
import { registerStartFlow } from './start-flow.ts';
import { registerUpsertContacts } from './upsert-contacts.ts';

export { IDEMPOTENCY_STALE_CLAIM_MS, IDEMPOTENCY_TTL_MS, idempotencyHash } from './idempotency.ts';

export function registerIntegrations(route: RouteFn, deps: Deps): void {
  registerStartFlow(route, deps);
  registerEraseContact(route, deps);
  registerSendMessage(route, deps);
  registerReadResults(route, deps);
  registerReadAnalytics(route, deps);
  registerUpsertContacts(route, deps);
}
