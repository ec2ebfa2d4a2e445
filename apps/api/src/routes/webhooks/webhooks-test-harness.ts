// Shared by the webhook endpoint tests (webhooks-endpoints, -signing and -deliveries.test.ts): the
// integrations harness (a local receiver on 127.0.0.1) with the endpoints' path, and the calls
// those tests make as the owner: create an endpoint, send it a test event, list its deliveries.
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { schema } from '@waflow/db';
import { startHarness, until, type Harness, type Json } from '../integrations/test-harness.ts';

/**
 * Once the sandbox number's `ready` is written (the runtime writes a status without waiting): its
 * number.status_changed is queued before any test's endpoint exists, so it never adds a delivery
 * (or a failure) to an endpoint listening to `*`.
 */
export async function startWebhooks(): Promise<{ h: Harness; base: string }> {
  const h = await startHarness();
  await until(async () => {
    const [n] = await h.client.db
      .select({ status: schema.numbers.status })
      .from(schema.numbers)
      .where(eq(schema.numbers.id, h.numberId));
    return n?.status === 'ready' || undefined;
  }, 'the sandbox number to be ready');
  return { h, base: `/api/v1/workspaces/${h.ws}/webhooks` };
}

/** Calls over a test file's harness and its endpoints' path (`base`). */
export function webhookCalls(harness: () => Harness, basePath: () => string) {
  const create = async (path: string, events: string[] = ['*']) => {
    const h = harness();
    const r = await h.call('POST', basePath(), {
      token: h.admin,
      body: { url: `${h.receiver.url}${path}`, events, description: path },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, secret: r.body.secret as string };
  };
  const sendTest = async (id: string) => {
    const r = await harness().call('POST', `${basePath()}/${id}/test`, { token: harness().admin });
    expect(r.status).toBe(202);
    return r.body as { deliveryId: string; eventId: string };
  };
  const deliveries = async (id: string, query = '') =>
    (
      await harness().call('GET', `${basePath()}/${id}/deliveries${query}`, {
        token: harness().admin,
      })
    ).body as {
      items: (Json & { id: string; eventId: string; status: string; attemptLog: Json[] })[];
      nextCursor: string | null;
    };
  return { create, sendTest, deliveries };
}
