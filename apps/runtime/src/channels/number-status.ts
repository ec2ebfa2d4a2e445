// A channel's status written to its number's row, with `number.status_changed` queued when it
// changed (the WhatsApp channel writes its row itself).
import { eq } from 'drizzle-orm';
import { enqueueWebhookEvent, schema, type Database } from '@waflow/db';
import type { NumberStatus } from '@waflow/channel';
import type { Logger } from '../observability/logger.ts';

export async function writeNumberStatus(
  deps: { db: Database; log: Logger; now: () => number },
  numberId: string,
  status: NumberStatus,
  detail?: string,
): Promise<void> {
  const at = new Date(deps.now());
  await deps.db
    .transaction(async (tx) => {
      const [before] = await tx
        .select({ status: schema.numbers.status, workspaceId: schema.numbers.workspaceId })
        .from(schema.numbers)
        .where(eq(schema.numbers.id, numberId))
        .for('update');
      if (!before) return;
      await tx
        .update(schema.numbers)
        .set({ status, ...(detail === undefined ? {} : { lastError: detail }), heartbeatAt: at })
        .where(eq(schema.numbers.id, numberId));
      if (before.status !== status) {
        await enqueueWebhookEvent(tx, {
          id: `evt_status_${numberId}_${at.getTime()}_${status}`,
          type: 'number.status_changed',
          workspaceId: before.workspaceId,
          numberId,
          occurredAt: at,
          data: { numberId, status, previous: before.status, detail: detail ?? null },
        });
      }
    })
    .catch((err: unknown) => deps.log.error({ err, numberId }, 'status update failed'));
}
