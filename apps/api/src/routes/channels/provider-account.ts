// An official channel's number account, as the routes need it: read (404 when it is not such a
// number of the workspace), the one the serving runtime attached (the webhooks check signatures
// with it), and new credentials saved, audited and served at once.
import type { Context } from 'hono';
import { and, eq, isNull } from 'drizzle-orm';
import { loadChannelAccount, saveChannelAccount, schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { AppEnv, Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';

export type ProviderChannelKind = 'cloud_api' | 'twilio';

const portOf = (deps: Deps, channel: ProviderChannelKind) =>
  channel === 'cloud_api' ? deps.cloudApi : deps.twilio;

/** An official-channel number's account (settings and secrets), or 404 (also outside `workspaceId`). */
export async function loadProviderAccount(
  deps: Deps,
  channel: ProviderChannelKind,
  numberId: string | undefined,
  workspaceId?: string,
) {
  if (!isUuid(numberId)) throw notFound('The number');
  const [number] = await deps.client.db
    .select({ id: schema.numbers.id })
    .from(schema.numbers)
    .where(
      and(
        eq(schema.numbers.id, numberId),
        eq(schema.numbers.channel, channel),
        isNull(schema.numbers.deletedAt),
        workspaceId ? eq(schema.numbers.workspaceId, workspaceId) : undefined,
      ),
    );
  const account = number && (await loadChannelAccount(deps.client.db, deps.keyring, number.id));
  if (!account) throw notFound('The number');
  return { numberId, ...account };
}

/**
 * The account the serving runtime attached the number with (current: credentials changed
 * through the API re-attach it); read from the database for a number not served here.
 */
export async function servedAccount(
  deps: Deps,
  channel: ProviderChannelKind,
  numberId: string | undefined,
) {
  const served = isUuid(numberId) ? portOf(deps, channel)?.account(numberId) : undefined;
  return served && numberId
    ? { numberId, ...served }
    : loadProviderAccount(deps, channel, numberId);
}

/**
 * Replaces a number's credentials: the settings and sealed secrets saved, the change audited
 * (settings only: never a secret), and the number served again with them. Returns the settings.
 */
export async function replaceCredentials(
  c: Context<AppEnv>,
  deps: Deps,
  channel: ProviderChannelKind,
  account: { numberId: string; settings: Record<string, string> },
  change: { settings: Record<string, string>; secrets: Record<string, string> },
): Promise<Record<string, string>> {
  const settings = { ...account.settings, ...change.settings };
  await saveChannelAccount(deps.client.db, deps.keyring, account.numberId, {
    settings,
    secrets: change.secrets,
  });
  await audit(c, deps.client.db, {
    action: 'number.credentials',
    entityType: 'number',
    entityId: account.numberId,
    after: change.settings,
  });
  await portOf(deps, channel)?.attach(account.numberId);
  return settings;
}
