// Twilio's webhooks for a WhatsApp sender, two URLs per number (shown on the number's page): the
// incoming-message webhook and the status callback. Both are form posts signed with the account's
// auth token (X-Twilio-Signature: HMAC-SHA1 over the full URL Twilio called plus the sorted form
// fields). Behind a proxy the URL Twilio called is WAFLOW_PUBLIC_URL's, not the one we see. A bad
// or missing signature is 401 and nothing is stored; a good message is persisted (idempotent on
// the MessageSid: a retry or a replay is one event and one reply) before Twilio gets its answer,
// an empty TwiML document (the bot replies through the REST API, not in the answer).
import type { Context } from 'hono';
import {
  parseTwilioInbound,
  parseTwilioStatus,
  readTwilioForm,
  TwilioWebhookError,
  verifyTwilioSignature,
} from '@waflow/channel/twilio';
import type { AppEnv, Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { rawBody } from '../../routing/raw-body.ts';
import type { RouteFn } from '../../routing/route.ts';
import { servedAccount } from './provider-account.ts';

export const TWILIO_WEBHOOK_PATH = '/api/v1/channels/twilio/:numberId/webhook';
export const TWILIO_STATUS_PATH = '/api/v1/channels/twilio/:numberId/status';

const at = (path: string, base: string, numberId: string) =>
  `${base.replace(/\/+$/, '')}${path.replace(':numberId', numberId)}`;

/** The incoming-message webhook to set on the Twilio sender. */
export const twilioWebhookUrl = (base: string, numberId: string) =>
  at(TWILIO_WEBHOOK_PATH, base, numberId);
/** Where each send asks Twilio to post its statuses. */
export const twilioStatusUrl = (base: string, numberId: string) =>
  at(TWILIO_STATUS_PATH, base, numberId);

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** The URL Twilio called: the public URL's origin when one is set (a proxy in front), else ours. */
function calledUrl(c: Context<AppEnv>, deps: Deps): string {
  const seen = new URL(c.req.url);
  return deps.publicUrl
    ? `${deps.publicUrl.replace(/\/+$/, '')}${seen.pathname}${seen.search}`
    : seen.toString();
}

export function registerTwilioWebhook(route: RouteFn, deps: Deps): void {
  const tag = 'Channels';

  /** The verified form of a Twilio post for this number, with its account. */
  async function verified(c: Context<AppEnv>) {
    const account = await servedAccount(deps, 'twilio', c.req.param('numberId'));
    const params = readTwilioForm(Buffer.from(await rawBody(c, 1024 * 1024)).toString('utf8'));
    const ok = verifyTwilioSignature(
      calledUrl(c, deps),
      params,
      c.req.header('x-twilio-signature'),
      account.secrets.authToken ?? '',
    );
    if (!ok)
      throw new AppError(
        401,
        'BAD_SIGNATURE',
        'The X-Twilio-Signature header is missing or does not match: check the auth token saved for this number, and WAFLOW_PUBLIC_URL when a proxy is in front.',
      );
    if (params.AccountSid !== account.settings.accountSid)
      throw new AppError(
        403,
        'WRONG_ACCOUNT',
        'This webhook came from another Twilio account than the number’s: check the number’s Account SID.',
      );
    if (!deps.twilio)
      throw new AppError(
        503,
        'CHANNEL_NOT_SERVED',
        'This process does not serve Twilio numbers: Twilio will retry.',
      );
    return { account, params, port: deps.twilio };
  }

  const readable = <T>(read: () => T): T => {
    try {
      return read();
    } catch (err) {
      if (err instanceof TwilioWebhookError) throw new AppError(400, err.code, err.message);
      throw err;
    }
  };

  route({
    method: 'post',
    path: TWILIO_WEBHOOK_PATH,
    access: 'public',
    tag,
    summary: 'Incoming WhatsApp messages from Twilio (form-encoded, X-Twilio-Signature)',
    responses: [
      { status: 200, description: 'Stored (an empty TwiML answer)', contentType: 'text/xml' },
      { status: 401, description: 'Bad or missing signature: nothing was stored' },
    ],
    handler: async (c) => {
      const { account, params, port } = await verified(c);
      const message = readable(() => parseTwilioInbound(params));
      if (message) await port.deliver(account.numberId, { messages: [message], statuses: [] });
      return c.body(EMPTY_TWIML, 200, { 'content-type': 'text/xml' });
    },
  });

  route({
    method: 'post',
    path: TWILIO_STATUS_PATH,
    access: 'public',
    tag,
    summary: 'Twilio status callbacks (sent, delivered, read, failed) for the bot’s messages',
    responses: [{ status: 204, description: 'Recorded' }],
    handler: async (c) => {
      const { account, params, port } = await verified(c);
      const status = readable(() => parseTwilioStatus(params));
      if (status) await port.deliver(account.numberId, { messages: [], statuses: [status] });
      return c.body(null, 204);
    },
  });
}
