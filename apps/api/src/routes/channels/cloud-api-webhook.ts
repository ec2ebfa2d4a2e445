// The WhatsApp Cloud API's webhook, one URL per number (shown on the number's page to paste into
// Meta's dashboard): GET is Meta's subscription check (hub.verify_token), POST carries messages and
// statuses, signed with the app secret (X-Hub-Signature-256 over the raw body). A bad or missing
// signature is 401 and nothing is stored; a good one is persisted (idempotent on the wamid, so a
// redelivery or a replay is one event and one reply) before Meta gets its 200.
import {
  CloudWebhookError,
  parseCloudWebhook,
  verifyHubSignature,
} from '@waflow/channel/cloud-api';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { rawBody } from '../../routing/raw-body.ts';
import type { RouteFn } from '../../routing/route.ts';
import { servedAccount } from './provider-account.ts';

export const CLOUD_API_WEBHOOK_PATH = '/api/v1/channels/cloud-api/:numberId/webhook';

/** Where Meta is told to post this number's webhooks. */
export function cloudApiWebhookUrl(publicBase: string, numberId: string): string {
  return `${publicBase.replace(/\/+$/, '')}${CLOUD_API_WEBHOOK_PATH.replace(':numberId', numberId)}`;
}

export function registerCloudApiWebhook(route: RouteFn, deps: Deps): void {
  const tag = 'Channels';
  const accountOf = (numberId: string | undefined) => servedAccount(deps, 'cloud_api', numberId);

  route({
    method: 'get',
    path: CLOUD_API_WEBHOOK_PATH,
    access: 'public',
    tag,
    summary: 'Meta’s webhook verification: answers hub.challenge when hub.verify_token matches',
    responses: [
      { status: 200, description: 'The challenge, as text', contentType: 'text/plain' },
      { status: 403, description: 'The verify token does not match this number’s' },
    ],
    handler: async (c) => {
      const account = await accountOf(c.req.param('numberId'));
      const mode = c.req.query('hub.mode');
      const token = c.req.query('hub.verify_token');
      const challenge = c.req.query('hub.challenge') ?? '';
      if (mode !== 'subscribe' || !token || token !== account.settings.verifyToken)
        throw new AppError(
          403,
          'VERIFY_TOKEN_MISMATCH',
          'The verify token does not match: paste the verify token shown on the number’s page into Meta’s dashboard.',
        );
      return c.text(challenge);
    },
  });

  route({
    method: 'post',
    path: CLOUD_API_WEBHOOK_PATH,
    access: 'public',
    tag,
    summary: 'Messages and statuses from the WhatsApp Cloud API (signed with the app secret)',
    headers: {
      'X-Hub-Signature-256': {
        description: '`sha256=` and the HMAC-SHA256 of the raw body with the app secret',
        required: true,
      },
    },
    responses: [
      { status: 200, description: 'Stored (or already stored: a redelivery)' },
      { status: 401, description: 'Bad or missing signature: nothing was stored' },
      { status: 503, description: 'This process does not serve Cloud API numbers' },
    ],
    handler: async (c) => {
      const account = await accountOf(c.req.param('numberId'));
      const raw = await rawBody(c, 1024 * 1024);
      const appSecret = account.secrets.appSecret ?? '';
      if (!verifyHubSignature(raw, c.req.header('x-hub-signature-256'), appSecret))
        throw new AppError(
          401,
          'BAD_SIGNATURE',
          'The X-Hub-Signature-256 header is missing or does not match the body: check the app secret saved for this number.',
        );
      let batches;
      try {
        batches = parseCloudWebhook(JSON.parse(Buffer.from(raw).toString('utf8')));
      } catch (err) {
        if (err instanceof SyntaxError)
          throw new AppError(400, 'MALFORMED_JSON', 'The webhook body is not valid JSON.');
        if (err instanceof CloudWebhookError) throw new AppError(400, err.code, err.message);
        throw err;
      }
      if (!deps.cloudApi)
        throw new AppError(
          503,
          'CHANNEL_NOT_SERVED',
          'This process does not serve Cloud API numbers: Meta will deliver again later.',
        );
      let inserted = 0;
      for (const batch of batches) {
        // A WABA's webhook carries every number of the account: only this one's are ours here.
        if (batch.phoneNumberId !== account.settings.phoneNumberId) continue;
        inserted += (await deps.cloudApi.deliver(account.numberId, batch)).inserted;
      }
      return c.json({ received: true, inserted });
    },
  });
}
