// A campaign's recipients follow what happened to their message, in set-based statements run on
// each tick: the outbox's sent/failed and the network's delivered/read (messages rows), the flow's
// first message once its start event ran, and a reply from the contact. Failures queue the
// campaign.recipient_failed event in the same transaction that records them.
import { sql } from 'drizzle-orm';
import { enqueueWebhookEvents, executeRows, uuidArrayText, type Database } from '@waflow/db';

interface Failed {
  id: string;
  campaign_id: string;
  workspace_id: string;
  contact_id: string;
  wa_id: string;
  number_id: string;
  message_id: string | null;
  reason: string;
  status: string;
}

const RETURNING = sql.raw(
  `returning r.id, r.campaign_id, (select c.workspace_id from campaigns c where c.id = r.campaign_id) as workspace_id, r.contact_id, r.wa_id, r.number_id, r.message_id, coalesce(r.reason, '') as reason, r.status::text as status`,
);
const RANK = sql`array['queued','sent','delivered','read']::text[]`;

/** Moves recipients on; answers the campaigns that had a failure (the stop rule looks at them). */
export async function followRecipients(
  db: Database,
  campaignIds: readonly string[],
  now: Date,
): Promise<Set<string>> {
  if (campaignIds.length === 0) return new Set();
  const ids = uuidArrayText(campaignIds);
  // postgres.js takes dates in raw SQL as text.
  const at = sql`${now.toISOString()}::timestamptz`;
  return db.transaction(async (tx) => {
    // A flow campaign's recipient gets its message id once the start event has run.
    const linked = await executeRows<Failed>(
      tx,
      sql`
      with linked as (
        select r.id, e.status as ev_status, e.error as ev_error,
          (select m.id from messages m
             join conversations cv on cv.id = m.conversation_id
             join contacts ct on ct.id = cv.contact_id
            where cv.number_id = r.number_id and ct.wa_id = r.wa_id and m.direction = 'out'
              and m.created_at >= e.created_at
            order by m.seq limit 1) as mid
        from campaign_recipients r
        join inbound_events e on e.number_id = r.number_id and e.wa_message_id = r.event_id
        where r.campaign_id = any(${ids}::uuid[]) and r.event_id is not null
          and r.message_id is null and r.status = 'queued' and e.status in ('processed', 'failed')
      )
      update campaign_recipients r set
        message_id = l.mid,
        conversation_id = (select m.conversation_id from messages m where m.id = l.mid),
        status = case when l.mid is null then 'failed' else r.status end::campaign_recipient_status,
        failed_at = case when l.mid is null then ${at} end,
        reason = case when l.mid is null then 'the flow did not start: ' || coalesce(l.ev_error, 'it sent nothing') end,
        updated_at = ${at}
      from linked l
      where r.id = l.id and (l.mid is not null or l.ev_error is not null or l.ev_status = 'failed')
      ${RETURNING}`,
    );
    // The message's status, moving forward only (a late "sent" never steps back over "read").
    const moved = await executeRows<Failed>(
      tx,
      sql`
      with moved as (
        select r.id, case m.status when 'failed' then 'failed' when 'read' then 'read'
                 when 'delivered' then 'delivered' else 'sent' end as next,
               m.sent_at, m.delivered_at, m.read_at, m.error
        from campaign_recipients r join messages m on m.id = r.message_id
        where r.campaign_id = any(${ids}::uuid[]) and r.status in ('queued', 'sent', 'delivered')
          and m.status <> 'pending'
      )
      update campaign_recipients r set
        status = mv.next::campaign_recipient_status,
        sent_at = coalesce(r.sent_at, mv.sent_at, ${at}),
        delivered_at = coalesce(r.delivered_at, mv.delivered_at),
        read_at = coalesce(r.read_at, mv.read_at),
        failed_at = case when mv.next = 'failed' then ${at} end,
        reason = case when mv.next = 'failed' then coalesce(mv.error, 'the message could not be sent') else r.reason end,
        updated_at = ${at}
      from moved mv
      where r.id = mv.id and (mv.next = 'failed' or array_position(${RANK}, mv.next) > array_position(${RANK}, r.status::text))
      ${RETURNING}`,
    );
    const failed = [...linked, ...moved].filter((r) => r.status === 'failed');
    // A reply from the contact after the campaign message (the flow, if any, has it as usual).
    await executeRows(
      tx,
      sql`
      update campaign_recipients r set status = 'replied', replied_at = ${at}, updated_at = ${at}
      from messages m
      where r.campaign_id = any(${ids}::uuid[]) and r.status in ('sent', 'delivered', 'read')
        and m.id = r.message_id
        and exists (select 1 from inbound_events e where e.number_id = r.number_id
                    and e.from_wa_id = r.wa_id and e.kind = 'message' and e.created_at > m.created_at)`,
    );
    await enqueueWebhookEvents(
      tx,
      failed.map((f) => ({
        id: `evt_campaign_failed_${f.id}`,
        type: 'campaign.recipient_failed' as const,
        workspaceId: f.workspace_id,
        numberId: f.number_id,
        occurredAt: now,
        data: {
          campaignId: f.campaign_id,
          recipientId: f.id,
          contactId: f.contact_id,
          contact: f.wa_id,
          numberId: f.number_id,
          messageId: f.message_id,
          reason: f.reason,
        },
      })),
    );
    return new Set(failed.map((f) => f.campaign_id));
  });
}
