// The Hono app: middleware, every route, JSON errors. Built from its dependencies (no globals),
// so tests make their own with app.request().
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv, Deps } from './context.ts';
import { AppError } from './errors.ts';
import { errorHandler } from './middleware/error-handler.ts';
import { defaultLimits } from './limits.ts';
import { requestId } from './middleware/request-id.ts';
import { strictTransportSecurity } from './middleware/transport-security.ts';
import { registerOperations } from './observability/metrics.ts';
import { SignInGuard } from './auth/sign-in-guard.ts';
import { registerAuth } from './routes/auth/auth.ts';
import { registerOwnAccount } from './routes/auth/password.ts';
import { registerFlows } from './routes/flows/flows.ts';
import { registerNumbers } from './routes/numbers/numbers.ts';
import { registerCloudApiWebhook } from './routes/channels/cloud-api-webhook.ts';
import { registerTwilioWebhook } from './routes/channels/twilio-webhook.ts';
import { registerSetup } from './routes/setup/setup.ts';
import { registerSimulator } from './routes/simulator/simulator.ts';
import { registerJoin } from './routes/team/join.ts';
import { registerMemberPassword } from './routes/team/member-password.ts';
import { registerTeam } from './routes/team/team.ts';
import { registerContacts } from './routes/contacts/contacts.ts';
import { registerConversations } from './routes/conversations/conversations.ts';
import { registerEvents } from './routes/events/events.ts';
import { registerSavedReplies } from './routes/saved-replies/saved-replies.ts';
import { EventHub } from './inbox/event-hub.ts';
import { registerResend } from './routes/conversations/resend.ts';
import { ATTACHMENTS_PATH_END, registerAttachments } from './routes/conversations/attachments.ts';
import { registerAgentTools } from './routes/conversations/agent-tools.ts';
import { registerResults } from './routes/results/results.ts';
import { registerAnalytics } from './routes/analytics/analytics.ts';
import { registerAudit } from './routes/audit/audit.ts';
import { registerApiKeys } from './routes/api-keys/api-keys.ts';
import { registerIntegrations } from './routes/integrations/integrations.ts';
import { registerWebhooks } from './routes/webhooks/webhooks.ts';
import { registerWorkspaces } from './routes/workspaces/workspaces.ts';
import { registerCampaigns } from './routes/campaigns/campaigns.ts';
import { docsPage, openApiDocument } from './routing/openapi.ts';
import { defineRoutes } from './routing/route.ts';
import { loadWebhookEventSchemas } from './routing/webhook-events.ts';

export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requestId(deps.log));
  // HSTS only when served over https (transport-security.ts); the web app adds its CSP (web-app.ts).
  app.use('*', secureHeaders({ strictTransportSecurity: false }));
  app.use('*', strictTransportSecurity(deps));
  if (deps.webOrigin) app.use('/api/*', cors({ origin: deps.webOrigin, credentials: true }));
  const maxBodyKb = (deps.limits ?? defaultLimits).maxBodyKb;
  const limitBody = bodyLimit({
    maxSize: maxBodyKb * 1024,
    onError: () => {
      throw new AppError(
        413,
        'BODY_TOO_LARGE',
        `The body is larger than ${maxBodyKb.toLocaleString('en-US')} KB, the most this server reads (WAFLOW_MAX_BODY_KB): send less at once.`,
      );
    },
  });
  // Reads (GET, HEAD) take no body: skipping the limit there spares every read building a full
  // fetch Request just to look for one (the limit reads `c.req.raw.body`).
  // A contacts import streams its file under its own limit (WAFLOW_MAX_IMPORT_MB, import-contacts.ts),
  // an inbox attachment under MAX_ATTACHMENT_MB (attachments.ts).
  app.use('/api/*', async function bodyLimitOnWrites(c, next) {
    return c.req.method === 'GET' ||
      c.req.method === 'HEAD' ||
      c.req.path.endsWith('/contacts/import') ||
      c.req.path.endsWith(ATTACHMENTS_PATH_END)
      ? next()
      : limitBody(c, next);
  });
  app.onError(errorHandler());

  registerOperations(app, deps);

  const route = defineRoutes(app, deps);
  registerSetup(route, deps);
  // One throttle for every password typed to prove who one is (sign-in, invites, password change).
  const guard = new SignInGuard(deps);
  registerAuth(route, deps, guard);
  registerOwnAccount(route, deps, guard);
  registerFlows(route, deps);
  registerNumbers(route, deps);
  registerCloudApiWebhook(route, deps);
  registerTwilioWebhook(route, deps);
  registerSimulator(route, deps);
  registerWorkspaces(route, deps);
  registerTeam(route, deps);
  registerJoin(route, deps, guard);
  registerMemberPassword(route, deps);
  registerAgentTools(route, deps);
  registerConversations(route, deps);
  registerSavedReplies(route, deps);
  registerEvents(route, deps, deps.hub ?? new EventHub(deps));
  registerResend(route, deps);
  registerAttachments(route, deps);
  registerContacts(route, deps);
  registerResults(route, deps);
  registerAnalytics(route, deps);
  registerAudit(route, deps);
  registerWebhooks(route, deps);
  registerCampaigns(route, deps);
  registerApiKeys(route, deps);
  registerIntegrations(route, deps);

  // Built once, on first request: every route is registered by then.
  let doc: ReturnType<typeof openApiDocument> | undefined;
  const openapi = () => (doc ??= openApiDocument(loadWebhookEventSchemas()));
  app.get('/api/openapi.json', (c) => c.json(openapi()));
  app.get('/api/docs', (c) => c.html(docsPage(openapi())));

  app.notFound((c) =>
    c.json(
      { error: { code: 'NOT_FOUND', message: `There is no ${c.req.method} ${c.req.path}.` } },
      404,
    ),
  );
  return app;
}
