// What the official channels' end-to-end tests share: the harness's app served over real HTTP
// (providers post to it), and the 24-hour window check of a flow started by the API.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { schema } from '@waflow/db';
import { OUTSIDE_WINDOW_REASON } from '@waflow/runtime';
import { until, type Harness } from '../integrations/test-harness.ts';

/** Serves the harness's app on 127.0.0.1; its base URL and how to stop it. */
export async function serveOverHttp(
  h: Harness,
): Promise<{ base: string; close: () => Promise<void> }> {
  const server: ServerType = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Starts the harness's flow through the integrator API for a contact who never wrote, and checks
 * the first reply fails with the window's reason, the provider never called (`providerPosts`
 * counts the POSTs the provider's double received).
 */
export async function expectRefusedOutsideWindow(
  h: Harness,
  numberId: string,
  providerPosts: () => number,
): Promise<void> {
  const key = (
    await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
      token: h.admin,
      body: { name: 'CRM' },
    })
  ).body.key as string;
  const postsBefore = providerPosts();
  const started = await h.call('POST', `/api/v1/integrations/flows/${h.flowId}/start`, {
    token: key,
    body: { numberId, contact: { phone: '+34 600 999 888', name: 'Bea' }, variables: {} },
  });
  expect(started.status).toBe(202);
  const failed = () =>
    h.client.db
      .select({ error: schema.outbox.error })
      .from(schema.outbox)
      .where(eq(schema.outbox.numberId, numberId));
  const rows = await until(async () => {
    const r = (await failed()).filter((x) => x.error);
    return r.length > 0 ? r : undefined;
  }, 'the refused send');
  expect(rows[0]?.error).toBe(OUTSIDE_WINDOW_REASON);
  // Refused before any HTTP call: nothing to Bea reached the provider.
  expect(providerPosts()).toBe(postsBefore);
}
