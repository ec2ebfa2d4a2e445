// What the numbers routes share: a number of the caller's workspace (404 otherwise), and the
// NOTIFY that tells the runtime side a number changed.
import { and, eq, isNull } from 'drizzle-orm';
import { NUMBERS_CHANGED_CHANNEL, schema } from '@waflow/db';
import type { Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { columns } from './schema.ts';

export async function loadNumber(deps: Deps, workspaceId: string, id: string | undefined) {
  if (!isUuid(id)) throw notFound('The number');
  const [row] = await deps.client.db
    .select({ ...columns, qr: schema.numbers.qr, qrUpdatedAt: schema.numbers.qrUpdatedAt })
    .from(schema.numbers)
    .where(
      and(
        eq(schema.numbers.id, id),
        eq(schema.numbers.workspaceId, workspaceId),
        isNull(schema.numbers.deletedAt),
        isNull(schema.numbers.pinnedVersionId),
      ),
    );
  if (!row) throw notFound('The number');
  return row;
}

/** NOTIFY `numbers_changed`: the supervisor, workers and provider hosts re-read the number. */
export const numbersChanged = (
  deps: Deps,
  numberId: string,
  action: 'created' | 'updated' | 'deleted' | 'relink',
) =>
  deps.client
    .notify(NUMBERS_CHANGED_CHANNEL, JSON.stringify({ numberId, action }))
    .catch(() => undefined);
