// A Twilio number's account: the credentials given when it is added (the auth token sealed with
// the keyring, never returned), what its page shows to paste into Twilio's console (the
// incoming-message webhook and the status callback URL), "check connection" and new credentials.
import type { Context } from 'hono';
import { z } from 'zod/v4';
import { defaultTwilioConfig, readTwilioAccount, TwilioCallError } from '@waflow/channel/twilio';
import { saveChannelAccount, type Database } from '@waflow/db';
import type { AppEnv, Deps } from '../../context.ts';
import type { RouteFn } from '../../routing/route.ts';
import { loadProviderAccount, replaceCredentials } from '../channels/provider-account.ts';
import { twilioStatusUrl, twilioWebhookUrl } from '../channels/twilio-webhook.ts';

export const twilioCredentials = z.object({
  accountSid: z
    .string()
    .trim()
    .regex(
      /^AC[0-9a-f]{32}$/i,
      'the Account SID is AC and 32 hex digits (Twilio Console → Account info)',
    ),
  authToken: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{32}$/i, 'the Auth Token is 32 hex digits (Twilio Console → Account info)'),
  sender: z
    .string()
    .trim()
    .regex(
      /^(?:(?:whatsapp:)?\+\d{5,20}|MG[0-9a-f]{32})$/i,
      'the sender is the WhatsApp number as whatsapp:+14155238886 (or a Messaging Service SID, MG…)',
    ),
});
export type TwilioCredentials = z.infer<typeof twilioCredentials>;

export async function createTwilioAccount(
  db: Database,
  deps: Deps,
  numberId: string,
  creds: TwilioCredentials,
): Promise<Record<string, string>> {
  const settings: Record<string, string> = { accountSid: creds.accountSid, sender: creds.sender };
  await saveChannelAccount(db, deps.keyring, numberId, {
    settings,
    secrets: { authToken: creds.authToken },
  });
  return settings;
}

/** What the number's page shows (the auth token never). */
export function twilioConnectionView(
  c: Context<AppEnv>,
  deps: Deps,
  account: { numberId: string; settings: Record<string, string> },
) {
  const base = deps.publicUrl ?? new URL(c.req.url).origin;
  return {
    accountSid: account.settings.accountSid ?? null,
    sender: account.settings.sender ?? null,
    webhookUrl: twilioWebhookUrl(base, account.numberId),
    statusCallbackUrl: twilioStatusUrl(base, account.numberId),
  };
}

export function registerTwilioAccount(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/numbers/:id/twilio';
  const tag = 'Numbers';
  const load = (c: Context<AppEnv>) =>
    loadProviderAccount(deps, 'twilio', c.req.param('id'), c.get('workspaceId'));

  route({
    method: 'get',
    path: base,
    access: 'numbers.get',
    tag,
    summary: 'What to set in Twilio’s console: the incoming-message webhook and status callback',
    handler: async (c) => c.json(twilioConnectionView(c, deps, await load(c))),
  });

  route({
    method: 'post',
    path: `${base}/check`,
    access: 'numbers.check',
    tag,
    summary: 'Check connection: reads the Twilio account with the saved SID and token',
    handler: async (c) => {
      const account = await load(c);
      try {
        const details = await readTwilioAccount(deps.twilioConfig ?? defaultTwilioConfig, {
          accountSid: account.settings.accountSid ?? '',
          authToken: account.secrets.authToken ?? '',
        });
        return c.json({ ok: details.status === 'active' || !details.status, ...details });
      } catch (err) {
        if (!(err instanceof TwilioCallError)) throw err;
        return c.json({ ok: false, detail: err.message, code: err.verdict.code });
      }
    },
  });

  route({
    method: 'put',
    path: `${base}/credentials`,
    access: 'numbers.update',
    tag,
    summary: 'Replace the number’s Twilio credentials (a new auth token or sender)',
    body: twilioCredentials,
    handler: async (c, { body }) => {
      const account = await load(c);
      const settings = await replaceCredentials(c, deps, 'twilio', account, {
        settings: { accountSid: body.accountSid, sender: body.sender },
        secrets: { authToken: body.authToken },
      });
      return c.json(twilioConnectionView(c, deps, { numberId: account.numberId, settings }));
    },
  });
}
