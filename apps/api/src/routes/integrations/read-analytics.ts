// GET /integrations/analytics/…: the Overview figures and a flow's block figures of the key's
// workspace, as JSON or CSV — what the web app shows (routes/analytics).
import type { Deps } from '../../context.ts';
import type { RouteFn } from '../../routing/route.ts';
import { analyticsRoutes } from '../analytics/analytics.ts';

export function registerReadAnalytics(route: RouteFn, deps: Deps): void {
  analyticsRoutes(route, deps, {
    base: '/api/v1/integrations/analytics',
    access: 'apiKey',
    tag: 'Integrations',
  });
}
