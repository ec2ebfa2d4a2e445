// A Cloud API number's account: the credentials given when it is added (the access token and the
// app secret sealed with the keyring, never returned), what its page shows to paste into Meta's
// dashboard (webhook URL, verify token), "check connection", new credentials, and the WABA's
// approved templates for the builder.
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod/v4';
import {
  defaultGraphConfig,
  GraphCallError,
  listTemplates,
  readPhoneNumber,
} from '@waflow/channel/cloud-api';
import { saveChannelAccount, schema, type Database } from '@waflow/db';
import { eq } from 'drizzle-orm';
import type { AppEnv, Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RouteFn } from '../../routing/route.ts';
import { cloudApiWebhookUrl } from '../channels/cloud-api-webhook.ts';
import { loadProviderAccount, replaceCredentials } from '../channels/provider-account.ts';

const graphId = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{5,30}$/, `the ${what} is the long number Meta shows (digits only)`);

export const cloudApiCredentials = z.object({
  phoneNumberId: graphId('phone number id'),
  wabaId: graphId('WhatsApp Business Account id'),
  accessToken: z
    .string()
    .trim()
    .min(20, 'paste the whole access token (a system user token from Meta Business Settings)')
    .max(1000),
  appSecret: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{16,64}$/i, 'the app secret is the hex string under App settings → Basic'),
  /** The number's throughput tier at Meta: 80 by default, up to 1,000 once upgraded. */
  messagesPerSecond: z
    .number()
    .int()
    .min(1, 'messagesPerSecond is at least 1')
    .max(1000, 'Meta allows at most 1,000 messages per second per number')
    .optional(),
});
export type CloudApiCredentials = z.infer<typeof cloudApiCredentials>;

/** Stores a new number's account (a fresh verify token for Meta's subscription check); its settings. */
export async function createCloudAccount(
  db: Database,
  deps: Deps,
  numberId: string,
  creds: CloudApiCredentials,
): Promise<Record<string, string>> {
  const settings: Record<string, string> = {
    phoneNumberId: creds.phoneNumberId,
    wabaId: creds.wabaId,
    verifyToken: randomBytes(18).toString('base64url'),
    ...(creds.messagesPerSecond ? { messagesPerSecond: String(creds.messagesPerSecond) } : {}),
  };
  await saveChannelAccount(db, deps.keyring, numberId, {
    settings,
    secrets: { accessToken: creds.accessToken, appSecret: creds.appSecret },
  });
  return settings;
}

/**
 * What the number's page shows. The verify token is ours, generated, and only lets Meta's
 * dashboard confirm the URL (it grants nothing), so it is shown; the token and secret never are.
 */
export function connectionView(
  c: Context<AppEnv>,
  deps: Deps,
  account: { numberId: string; settings: Record<string, string> },
) {
  const base = deps.publicUrl ?? new URL(c.req.url).origin;
  return {
    phoneNumberId: account.settings.phoneNumberId ?? null,
    wabaId: account.settings.wabaId ?? null,
    webhookUrl: cloudApiWebhookUrl(base, account.numberId),
    verifyToken: account.settings.verifyToken ?? null,
  };
}

const connectionSchema = z.object({
  phoneNumberId: z.string().nullable(),
  wabaId: z.string().nullable(),
  webhookUrl: z.string(),
  verifyToken: z.string().nullable(),
});

export function registerCloudApiAccount(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/numbers/:id/cloud-api';
  const tag = 'Numbers';
  const graph = () => deps.graph ?? defaultGraphConfig;

  const load = (c: Context<AppEnv>) =>
    loadProviderAccount(deps, 'cloud_api', c.req.param('id'), c.get('workspaceId'));

  route({
    method: 'get',
    path: base,
    access: 'numbers.get',
    tag,
    summary: 'What to paste into Meta’s dashboard: the webhook URL and verify token',
    responses: [{ status: 200, description: 'The connection details', schema: connectionSchema }],
    handler: async (c) => c.json(connectionView(c, deps, await load(c))),
  });

  route({
    method: 'post',
    path: `${base}/check`,
    access: 'numbers.check',
    tag,
    summary: 'Check connection: reads the phone number from the Graph API with the saved token',
    handler: async (c) => {
      const account = await load(c);
      try {
        const details = await readPhoneNumber(graph(), {
          phoneNumberId: account.settings.phoneNumberId ?? '',
          accessToken: account.secrets.accessToken ?? '',
        });
        await deps.client.db
          .update(schema.numbers)
          .set({ phone: details.displayPhoneNumber || null, lastError: null })
          .where(eq(schema.numbers.id, account.numberId));
        return c.json({ ok: true, ...details });
      } catch (err) {
        if (!(err instanceof GraphCallError)) throw err;
        return c.json({ ok: false, detail: err.message, code: err.verdict.code });
      }
    },
  });

  route({
    method: 'put',
    path: `${base}/credentials`,
    access: 'numbers.update',
    tag,
    summary: 'Replace the number’s Cloud API credentials (a new token or app secret)',
    body: cloudApiCredentials,
    handler: async (c, { body }) => {
      const account = await load(c);
      const settings = await replaceCredentials(c, deps, 'cloud_api', account, {
        settings: {
          phoneNumberId: body.phoneNumberId,
          wabaId: body.wabaId,
          ...(body.messagesPerSecond ? { messagesPerSecond: String(body.messagesPerSecond) } : {}),
        },
        secrets: { accessToken: body.accessToken, appSecret: body.appSecret },
      });
      return c.json(connectionView(c, deps, { numberId: account.numberId, settings }));
    },
  });

  route({
    method: 'get',
    path: `${base}/templates`,
    access: 'numbers.get',
    tag,
    summary: 'The WhatsApp Business Account’s message templates (read from Meta)',
    handler: async (c) => {
      const account = await load(c);
      try {
        const items = await listTemplates(
          graph(),
          account.secrets.accessToken ?? '',
          account.settings.wabaId ?? '',
        );
        return c.json({ items });
      } catch (err) {
        if (!(err instanceof GraphCallError)) throw err;
        throw new AppError(
          503,
          'GRAPH_UNAVAILABLE',
          `The templates could not be read from Meta: ${err.message} Enter the template's name and language by hand.`,
        );
      }
    },
  });
}
