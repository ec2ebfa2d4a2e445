// Shared by the integrator API's tests (integrations-keys, -starts and -reads.test.ts): the harness
// with an API key and a signed webhook for conversation.started and lead.captured, and the calls
// those tests make with the current key.
import { startHarness, type Harness } from './test-harness.ts';

export const ana = '34600123456@c.us';

const newApiKey = async (h: Harness) =>
  (
    await h.call('POST', `/api/v1/workspaces/${h.ws}/api-keys`, {
      token: h.admin,
      body: { name: 'CRM' },
    })
  ).body.key as string;

export async function startIntegrations(): Promise<{ h: Harness; apiKey: string; secret: string }> {
  const h = await startHarness();
  const apiKey = await newApiKey(h);
  const secret = (
    await h.call('POST', `/api/v1/workspaces/${h.ws}/webhooks`, {
      token: h.admin,
      body: { url: `${h.receiver.url}/crm`, events: ['conversation.started', 'lead.captured'] },
    })
  ).body.secret as string;
  return { h, apiKey, secret };
}

/** Calls over a test file's harness and current API key (`setKey`: how `freshKey` replaces it). */
export function integrator(
  harness: () => Harness,
  currentKey: () => string,
  setKey: (key: string) => void,
) {
  const startBody = () => ({
    numberId: harness().numberId,
    contact: { phone: '+34 600 123 456', name: 'Ana' },
    variables: { name: 'Ana', notDeclared: 'ignored' },
  });
  const start = (
    key: string | undefined,
    body: unknown = startBody(),
    token = currentKey(),
    flowId = harness().flowId,
  ) =>
    harness().call('POST', `/api/v1/integrations/flows/${flowId}/start`, {
      token,
      body,
      ...(key ? { headers: { 'idempotency-key': key } } : {}),
    });
  // A fresh key for a test that makes many calls, so the per-key rate limit never decides a test
  // (the rate-limit test has its own).
  const freshKey = async () => {
    const key = await newApiKey(harness());
    setKey(key);
    return key;
  };
  const sentTo = (to: string) => harness().sandbox.sent.filter((s) => s.message.to === to);
  const texts = (to: string) =>
    sentTo(to).map((s) => ('text' in s.message ? s.message.text : s.message.type));
  return { startBody, start, freshKey, sentTo, texts };
}
