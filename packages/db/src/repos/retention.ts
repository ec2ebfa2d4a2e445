// What a contact leaves behind, and how long it stays: erasing one contact on request (the right
// to erasure), and a workspace's retention period, after which conversations, their transcript,
// results, timers, outbox rows, inbound events, webhook deliveries and analytics counts are deleted. The audit log
// is kept (who did what); erasing a contact takes their number out of its entries.
import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { executeRows } from '../sql-rows.ts';
import * as schema from '../schema/index.ts';
import { enqueueWebhookEvents } from './webhook-events.ts';
import { cutDay, expiredDays } from '../analytics/day-rollup.ts';

export interface ErasedContact {
  /** The contact erased; null when the number knew the WhatsApp id only from messages sent to it. */
  contactId: string | null;
  numberId: string;
  waId: string;
  conversations: number;
  messages: number;
  results: number;
  inboundEvents: number;
  webhookDeliveries: number;
}

/** The contact of a workspace (undefined when unknown): who to lock before erasing. */
export async function findContact(
  db: Database,
  workspaceId: string,
  contactId: string,
): Promise<{ id: string; numberId: string | null; waId: string } | undefined> {
  const [row] = await executeRows<{ id: string; number_id: string | null; wa_id: string }>(
    db,
    sql`select id, number_id, wa_id from ${schema.contacts} where id = ${contactId} and workspace_id = ${workspaceId}`,
  );
  return row ? { id: row.id, numberId: row.number_id, waId: row.wa_id } : undefined;
}

/**
 * Deletes everything a number keeps about one WhatsApp id, in one transaction: their
 * conversations on it (with checkpoints, transcript, results, timers and outbox rows), the
 * messages that reached no conversation, their inbound events, what was queued for them without
 * a conversation (an integrator's message to someone who never wrote), and the workspace's
 * webhook deliveries that carried their conversations or number; their number leaves the audit
 * log's entries (the entries stay); subscribed endpoints get `contact.erased` when there was a
 * contact. The contact (one per workspace) goes too once no other number has conversations of
 * theirs. The caller holds the contact's conversation lock, so no turn of theirs is half-way.
 */
export async function eraseFromNumber(
  db: Database,
  workspaceId: string,
  numberId: string,
  waId: string,
): Promise<ErasedContact> {
  return db.transaction(async (tx) => {
    const [c] = await executeRows<{ id: string }>(
      tx,
      sql`select id from ${schema.contacts} where workspace_id = ${workspaceId} and wa_id = ${waId} for update`,
    );
    const contactId = c?.id ?? null;
    const [counts] = await executeRows<{
      conversations: number;
      messages: number;
      results: number;
      inbound_events: number;
      webhook_deliveries: number;
    }>(
      tx,
      sql`
        with convs as (
          select id from ${schema.conversations} where contact_id = ${contactId}::uuid and number_id = ${numberId}
        ), events as (
          select id, wa_message_id from ${schema.inboundEvents} where number_id = ${numberId} and from_wa_id = ${waId}
        ), loose_outbox as (
          delete from ${schema.outbox} o where o.number_id = ${numberId} and o.conversation_id is null and o.payload->>'to' = ${waId}
          returning o.message_id
        ), msgs as (
          delete from ${schema.messages} m
          where m.conversation_id in (select id from convs)
            or (m.number_id = ${numberId} and m.conversation_id is null and m.wa_message_id in (select wa_message_id from events))
            or m.id in (select message_id from loose_outbox)
          returning m.id
        ), res as (
          select count(*)::int as n from ${schema.results} where conversation_id in (select id from convs)
        ), deliveries as (
          delete from ${schema.webhookDeliveries} d
          using ${schema.webhookEndpoints} ep
          where ep.id = d.endpoint_id and ep.workspace_id = ${workspaceId}
            and (d.payload->'data'->>'conversationId' in (select id::text from convs) or d.payload->'data'->>'contact' = ${waId})
            -- An earlier erasure's notice stays until delivered (a repeated request must not take it back).
            and d.event_type <> 'contact.erased'
          returning d.id
        ), audited as (
          update ${schema.auditLog} set after = after - 'contact' - 'to'
          where workspace_id = ${workspaceId} and (after->>'contact' = ${waId} or after->>'to' = ${waId})
          returning id
        ), inbound as (
          delete from ${schema.inboundEvents} where id in (select id from events)
          returning id
        )
        select (select count(*)::int from convs) as conversations, (select count(*)::int from msgs) as messages,
          (select n from res) as results, (select count(*)::int from inbound) as inbound_events,
          (select count(*)::int from deliveries) as webhook_deliveries, (select count(*)::int from audited) as audited`,
    );
    const conversations = Number(counts?.conversations ?? 0);
    // This number's conversations go (and with them checkpoints, results, timers, outbox rows).
    if (contactId)
      await tx.execute(
        sql`delete from ${schema.conversations} where contact_id = ${contactId} and number_id = ${numberId}`,
      );
    // The contact is the workspace's (across numbers): it goes with its last number's conversations.
    const [gone] = contactId
      ? await executeRows<{ id: string }>(
          tx,
          sql`delete from ${schema.contacts} ct where ct.id = ${contactId}
              and not exists (select 1 from ${schema.conversations} v where v.contact_id = ct.id and v.number_id <> ${numberId})
              returning ct.id`,
        )
      : [];
    if (gone) {
      // Integrators erase them too: told in the same transaction (after their deliveries went).
      await enqueueWebhookEvents(tx, [
        {
          id: `evt_erased_${contactId}`,
          type: 'contact.erased',
          workspaceId,
          numberId,
          occurredAt: new Date(),
          data: { contactId: gone.id, numberId, contact: waId, conversations },
        },
      ]);
    }
    return {
      contactId: gone ? contactId : null,
      numberId,
      waId,
      conversations,
      messages: Number(counts?.messages ?? 0),
      results: Number(counts?.results ?? 0),
      inboundEvents: Number(counts?.inbound_events ?? 0),
      webhookDeliveries: Number(counts?.webhook_deliveries ?? 0),
    };
  });
}

export interface PurgeCounts {
  conversations: number;
  messages: number;
  contacts: number;
  inboundEvents: number;
  webhookDeliveries: number;
  /** Hourly analytics counts (analytics_hours, analytics_block_hours) older than the period. */
  analyticsHours: number;
}

/** A workspace's retention period in days, from its settings (undefined: keep everything). */
export const RETENTION_SETTING = 'retentionDays';

/**
 * Deletes, in every workspace with a retention period, what is older than it: conversations whose
 * last activity is (with everything they own), messages that reached no conversation, contacts
 * left with no conversation, settled inbound events and finished webhook deliveries. A contact
 * with an event still to handle keeps their conversation (its turn may be running). Works in
 * batches of `batch` rows so no statement holds many locks; answers what it deleted.
 */
export async function purgeExpired(db: Database, now: Date, batch = 500): Promise<PurgeCounts> {
  const total: PurgeCounts = {
    conversations: 0,
    messages: 0,
    contacts: 0,
    inboundEvents: 0,
    webhookDeliveries: 0,
    analyticsHours: 0,
  };
  const workspaces = await executeRows<{ id: string; days: number }>(
    db,
    sql`select id, (settings->>${RETENTION_SETTING})::int as days from ${schema.workspaces}
        where jsonb_typeof(settings->${RETENTION_SETTING}) = 'number' and (settings->>${RETENTION_SETTING})::numeric >= 1`,
  );
  for (const w of workspaces) {
    const cutoff = new Date(now.getTime() - Number(w.days) * 86_400_000).toISOString();
    const loop = async (query: ReturnType<typeof sql>): Promise<number> => {
      let n = 0;
      for (;;) {
        const rows = await executeRows<{ id: string }>(db, query);
        n += rows.length;
        if (rows.length < batch) return n;
      }
    };
    total.conversations += await loop(sql`
      delete from ${schema.conversations} where id in (
        select v.id from ${schema.conversations} v join ${schema.contacts} ct on ct.id = v.contact_id
        where v.workspace_id = ${w.id} and v.last_activity_at < ${cutoff}::timestamptz
          and not exists (select 1 from ${schema.inboundEvents} e where e.number_id = v.number_id and e.from_wa_id = ct.wa_id and e.status in ('pending', 'processing'))
        limit ${batch})
      returning id`);
    total.messages += await loop(sql`
      delete from ${schema.messages} where id in (
        select id from ${schema.messages} where workspace_id = ${w.id} and conversation_id is null and created_at < ${cutoff}::timestamptz limit ${batch})
      returning id`);
    total.contacts += await loop(sql`
      delete from ${schema.contacts} where id in (
        select ct.id from ${schema.contacts} ct
        where ct.workspace_id = ${w.id} and ct.created_at < ${cutoff}::timestamptz
          and not exists (select 1 from ${schema.conversations} v where v.contact_id = ct.id)
          -- What the team keeps on purpose stays: tags, attributes, an opt-out (never forgotten).
          and ct.tags = '{}' and ct.attributes = '{}'::jsonb and ct.opted_out_at is null
          and not exists (select 1 from ${schema.inboundEvents} e join ${schema.numbers} n on n.id = e.number_id
                          where n.workspace_id = ${w.id} and e.from_wa_id = ct.wa_id and (e.status in ('pending', 'processing') or e.created_at >= ${cutoff}::timestamptz))
        limit ${batch})
      returning id`);
    total.inboundEvents += await loop(sql`
      delete from ${schema.inboundEvents} where id in (
        select e.id from ${schema.inboundEvents} e join ${schema.numbers} n on n.id = e.number_id
        where n.workspace_id = ${w.id} and e.status in ('processed', 'failed') and e.created_at < ${cutoff}::timestamptz limit ${batch})
      returning id`);
    total.webhookDeliveries += await loop(sql`
      delete from ${schema.webhookDeliveries} where id in (
        select d.id from ${schema.webhookDeliveries} d join ${schema.webhookEndpoints} ep on ep.id = d.endpoint_id
        where ep.workspace_id = ${w.id} and d.status in ('delivered', 'failed') and d.created_at < ${cutoff}::timestamptz limit ${batch})
      returning id`);
    // Analytics counts name no contact; they go with the period all the same (hour before the cutoff).
    for (const table of [schema.analyticsHours, schema.analyticsBlockHours])
      total.analyticsHours += await loop(sql`
        delete from ${table} where ctid in (
          select ctid from ${table} where workspace_id = ${w.id} and hour < ${cutoff}::timestamptz limit ${batch})
        returning 1 as id`);
    // Their days' rollup keeps what the hours keep (not counted: the same counts, rolled up).
    await loop(expiredDays(w.id, new Date(cutoff), batch));
    for (const cut of cutDay(w.id, new Date(cutoff))) await db.execute(cut);
  }
  return total;
}
