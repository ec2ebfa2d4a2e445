// A number's live state as its WhatsApp worker reports it: status, QR code, phone, last error,
// restart count and heartbeat. Every write is followed by a `number_status` notification that
// the API's status stream listens to (it then reads the row again).
import { eq, sql } from 'drizzle-orm';
import type { Database, DbClient } from '../client.ts';
import { enqueueWebhookEvent } from './webhook-events.ts';
import { numbers } from '../schema/index.ts';

export { NUMBER_STATUS_CHANNEL } from '../notify-channels.ts';
import { NUMBER_STATUS_CHANNEL } from '../notify-channels.ts';

export type NumberStatusValue = (typeof numbers.$inferSelect)['status'];

export interface NumberStatusPatch {
  status?: NumberStatusValue;
  /** The QR string to show; null clears it (after pairing). */
  qr?: string | null;
  phone?: string | null;
  lastError?: string | null;
}

/** Updates the number's live fields (heartbeat included) and notifies the status stream. */
export async function reportNumberStatus(
  client: DbClient,
  numberId: string,
  patch: NumberStatusPatch,
  now = new Date(),
): Promise<void> {
  const set: Partial<typeof numbers.$inferInsert> = { heartbeatAt: now };
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.qr !== undefined) {
    set.qr = patch.qr;
    set.qrUpdatedAt = patch.qr === null ? null : now;
  }
  if (patch.phone !== undefined) set.phone = patch.phone;
  if (patch.lastError !== undefined) set.lastError = patch.lastError;
  await client.db.transaction(async (tx) => {
    const [before] =
      patch.status === undefined
        ? []
        : await tx
            .select({ status: numbers.status, workspaceId: numbers.workspaceId })
            .from(numbers)
            .where(eq(numbers.id, numberId))
            .for('update');
    await tx.update(numbers).set(set).where(eq(numbers.id, numberId));
    // Integrators hear of every session state change (number.status_changed), with the change.
    if (before && patch.status !== undefined && before.status !== patch.status) {
      await enqueueWebhookEvent(tx, {
        id: `evt_status_${numberId}_${now.getTime()}_${patch.status}`,
        type: 'number.status_changed',
        workspaceId: before.workspaceId,
        numberId,
        occurredAt: now,
        data: {
          numberId,
          status: patch.status,
          previous: before.status,
          detail: patch.lastError ?? null,
        },
      });
    }
  });
  await notifyNumberStatus(client, numberId);
}

/** Counts one restart of the number's client or worker, with the reason, and notifies. */
export async function recordNumberRestart(
  client: DbClient,
  numberId: string,
  reason: string,
  now = new Date(),
): Promise<void> {
  await client.db
    .update(numbers)
    .set({ restartCount: sql`${numbers.restartCount} + 1`, lastError: reason, heartbeatAt: now })
    .where(eq(numbers.id, numberId));
  await notifyNumberStatus(client, numberId);
}

/** The worker is alive (no notification: the stream does not show heartbeats live). */
export async function heartbeatNumber(
  db: Database,
  numberId: string,
  now = new Date(),
): Promise<void> {
  await db.update(numbers).set({ heartbeatAt: now }).where(eq(numbers.id, numberId));
}

export async function notifyNumberStatus(client: DbClient, numberId: string): Promise<void> {
  await client.notify(NUMBER_STATUS_CHANNEL, JSON.stringify({ numberId }));
}

/** The numbers a supervisor should run: WhatsApp ones not deleted. */
export async function listWhatsAppNumbers(
  db: Database,
): Promise<{ id: string; workspaceId: string }[]> {
  return db
    .select({ id: numbers.id, workspaceId: numbers.workspaceId })
    .from(numbers)
    .where(sql`${numbers.channel} = 'whatsapp' and ${numbers.deletedAt} is null`);
}
