// Shared by the Cloud API number's tests (cloud-api-setup, -messages and -choices.test.ts): the
// Graph API double, the harness pointed at it and served over HTTP, the number's credentials, the
// number added through the API (for a file whose tests start from a ready number), and reads of
// what was sent and stored.
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import {
  startGraphApiDouble,
  type GraphApiDouble,
  type WebhookTarget,
} from '@waflow/testkit/graph-api';
import { startHarness, until, type Harness } from '../integrations/test-harness.ts';
import { serveOverHttp } from './provider-test-harness.ts';

export const ACCESS_TOKEN = 'EAAG-test-access-token-0123456789';
export const APP_SECRET = '0123456789abcdef0123456789abcdef';
export const PHONE_NUMBER_ID = '106540352242922';
export const WABA_ID = '102290129340398';
export const ana = { waId: '34600111222', name: 'Ana' };

export interface CloudApi {
  graph: GraphApiDouble;
  h: Harness;
  /** The app's base URL over HTTP. */
  base: string;
  close(): Promise<void>;
}

export async function startCloudApi(): Promise<CloudApi> {
  const graph = await startGraphApiDouble({
    accessToken: ACCESS_TOKEN,
    phoneNumbers: { [PHONE_NUMBER_ID]: { display: '+1 555-0100', verifiedName: 'Acme' } },
  });
  const h = await startHarness({ WAFLOW_CLOUD_API_BASE_URL: graph.baseUrl });
  const server = await serveOverHttp(h);
  return {
    graph,
    h,
    base: server.base,
    close: async () => {
      await server.close();
      await h.close();
      await graph.close();
    },
  };
}

/** The Cloud API number added by the owner on the harness's flow, once ready: where Meta posts. */
export async function addCloudApiNumber({
  h,
  base,
}: CloudApi): Promise<{ numberId: string; target: WebhookTarget }> {
  const created = await h.call('POST', `/api/v1/workspaces/${h.ws}/numbers`, {
    token: h.admin,
    body: {
      label: 'Meta',
      channel: 'cloud_api',
      flowId: h.flowId,
      cloudApi: {
        phoneNumberId: PHONE_NUMBER_ID,
        wabaId: WABA_ID,
        accessToken: ACCESS_TOKEN,
        appSecret: APP_SECRET,
      },
    },
  });
  if (created.status !== 201)
    throw new Error(`adding the Cloud API number failed: ${JSON.stringify(created.body)}`);
  const numberId = created.body.id as string;
  await until(async () => {
    const [n] = await h.client.db
      .select({ status: schema.numbers.status })
      .from(schema.numbers)
      .where(eq(schema.numbers.id, numberId));
    return n?.status === 'ready' || undefined;
  }, 'the number to be ready');
  return {
    numberId,
    target: {
      url: `${base}/api/v1/channels/cloud-api/${numberId}/webhook`,
      appSecret: APP_SECRET,
      phoneNumberId: PHONE_NUMBER_ID,
      displayPhoneNumber: '15550100',
      wabaId: WABA_ID,
    },
  };
}

/** Reads over a test file's double, harness and number. */
export function cloudApiReads(
  double: () => GraphApiDouble,
  harness: () => Harness,
  number: () => string,
) {
  const textsTo = (digits: string) =>
    double()
      .sends.filter((s) => s.body.to === digits)
      .map((s) => (s.body.text as { body?: string } | undefined)?.body ?? String(s.body.type));
  const inboundCount = async () =>
    (
      await harness()
        .client.db.select({ id: schema.inboundEvents.id })
        .from(schema.inboundEvents)
        .where(eq(schema.inboundEvents.numberId, number()))
    ).length;
  return { textsTo, inboundCount };
}
