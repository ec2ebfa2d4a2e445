// Webhook endpoints (endpoints.ts) and their deliveries (deliveries.ts).
import type { Deps } from '../../context.ts';
import type { RouteFn } from '../../routing/route.ts';
import { registerWebhookDeliveries } from './deliveries.ts';
import { registerWebhookEndpoints } from './endpoints.ts';

export { ROTATION_GRACE_MS } from './schema.ts';

export function registerWebhooks(route: RouteFn, deps: Deps): void {
  registerWebhookEndpoints(route, deps);
  registerWebhookDeliveries(route, deps);
}
