// Step one of the inbound path: persist the event before anything else happens to it. The
// unique (number, message id) stops duplicates here; a crash after this line replays, never drops.
import { insertInboundEvent, type Database } from '@waflow/db';
import type { InboundPayload } from './inbound-payload.ts';

export async function ingest(
  db: Database,
  input: { numberId: string; fromWaId: string; eventId: string; payload: InboundPayload },
): Promise<{ inserted: boolean; id?: string }> {
  return insertInboundEvent(db, {
    numberId: input.numberId,
    waMessageId: input.eventId,
    fromWaId: input.fromWaId,
    kind: input.payload.kind,
    payload: input.payload,
  });
}
