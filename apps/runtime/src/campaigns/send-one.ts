// One campaign send: under the contact's conversation lock, in one transaction, the number's
// pacer and the recipient are claimed (FOR UPDATE SKIP LOCKED), the message is queued in the
// outbox (or the flow's start in the inbound queue) and the recipient marked handed. A crash
// before the commit leaves the recipient queued (sent later); after it, the outbox owns the send
// (sent once). A contact in a conversation waits or is skipped, per the campaign's setting.
import { and, eq, notInArray, sql } from 'drizzle-orm';
import { withConversationLock, type Coordinator } from '@waflow/coord';
import {
  capWait,
  contactValue,
  countSend,
  templateFor,
  windowOpenAt,
  nextSendAt,
  type Content,
  type ContactValues,
  type NumberPace,
  type Pacing,
  type Settings,
} from '@waflow/campaign';
import {
  insertInboundEvent,
  queueMessage,
  schema,
  type Database,
  type QueuedMessage,
} from '@waflow/db';

/** How long a recipient in a conversation waits before it is looked at again (busy: wait). */
export const BUSY_RETRY_MS = 60_000;

export interface SendTarget {
  campaign: {
    id: string;
    workspaceId: string;
    content: Content;
    settings: Settings;
    timeZone: string;
  };
  numberId: string;
  pacing: Pacing;
  recipient: { id: string; contactId: string; waId: string };
}

export type SendOutcome =
  | { kind: 'queued'; flowEvent: boolean; nextAt: number }
  | { kind: 'busy' }
  | { kind: 'skipped' }
  | { kind: 'not_due'; nextAt?: number }
  | { kind: 'gone' };

/** A template campaign's message to one contact: the template, and its filled body as the text. */
function templateMessage(
  content: Extract<Content, { kind: 'template' }>,
  contact: ContactValues,
): { text: string; template: NonNullable<QueuedMessage['template']> } {
  const { parameters, text } = templateFor(content, contact);
  return {
    text,
    template: {
      name: content.name,
      language: content.language,
      parameters,
      ...(content.contentSid ? { contentSid: content.contentSid } : {}),
    },
  };
}

export async function sendOne(
  db: Database,
  coord: Coordinator,
  t: SendTarget,
  now: Date,
  random: () => number,
): Promise<SendOutcome> {
  const { campaign, numberId, recipient } = t;
  return withConversationLock(coord, numberId, recipient.waId, () =>
    db.transaction(async (tx) => {
      const [pacer] = await tx
        .select()
        .from(schema.campaignNumbers)
        .where(
          and(
            eq(schema.campaignNumbers.campaignId, campaign.id),
            eq(schema.campaignNumbers.numberId, numberId),
          ),
        )
        .for('update', { skipLocked: true });
      if (!pacer || pacer.nextSendAt.getTime() > now.getTime()) return { kind: 'not_due' };
      // The first send of a number, or one after a pause, also waits for the window and the cap.
      const pace: NumberPace = { day: pacer.day, sentToday: pacer.sentToday };
      const allowedAt = capWait(
        windowOpenAt(now.getTime(), t.pacing.window, campaign.timeZone),
        pace,
        t.pacing,
        campaign.timeZone,
      );
      if (allowedAt > now.getTime()) {
        await tx
          .update(schema.campaignNumbers)
          .set({ nextSendAt: new Date(allowedAt) })
          .where(
            and(
              eq(schema.campaignNumbers.campaignId, campaign.id),
              eq(schema.campaignNumbers.numberId, numberId),
            ),
          );
        return { kind: 'not_due', nextAt: allowedAt };
      }
      const [live] = await tx
        .select({ status: schema.campaigns.status })
        .from(schema.campaigns)
        .where(eq(schema.campaigns.id, campaign.id))
        .for('share');
      if (live?.status !== 'running') return { kind: 'gone' };
      const [r] = await tx
        .select({ id: schema.campaignRecipients.id })
        .from(schema.campaignRecipients)
        .where(
          and(
            eq(schema.campaignRecipients.id, recipient.id),
            eq(schema.campaignRecipients.status, 'queued'),
            sql`${schema.campaignRecipients.queuedAt} is null`,
          ),
        )
        .for('update', { skipLocked: true });
      if (!r) return { kind: 'gone' };

      const [contact] = await tx
        .select({
          id: schema.contacts.id,
          name: schema.contacts.name,
          attributes: schema.contacts.attributes,
          optedOutAt: schema.contacts.optedOutAt,
        })
        .from(schema.contacts)
        .where(eq(schema.contacts.id, recipient.contactId));
      if (!contact || contact.optedOutAt) {
        // Opted out (or erased) since the campaign started: nothing is sent to them.
        await tx
          .update(schema.campaignRecipients)
          .set({ status: 'skipped', reason: contact ? 'opted out' : 'erased', updatedAt: now })
          .where(eq(schema.campaignRecipients.id, r.id));
        return { kind: 'skipped' };
      }
      const [open] = await tx
        .select({ id: schema.conversations.id })
        .from(schema.conversations)
        .where(
          and(
            eq(schema.conversations.contactId, contact.id),
            notInArray(schema.conversations.status, ['completed', 'expired']),
          ),
        )
        .limit(1);
      if (open) {
        // Not interrupted (on any number): the message waits for the conversation to end, or is skipped.
        await tx
          .update(schema.campaignRecipients)
          .set(
            campaign.settings.busy === 'skip'
              ? { status: 'skipped', reason: 'in a conversation', updatedAt: now }
              : { notBefore: new Date(now.getTime() + BUSY_RETRY_MS), updatedAt: now },
          )
          .where(eq(schema.campaignRecipients.id, r.id));
        return { kind: 'busy' };
      }

      const content = campaign.content;
      if (content.kind === 'message' || content.kind === 'template') {
        // The transcript line lives in a conversation of its own (already over: no flow runs);
        // a reply then goes where any contact's message goes (a trigger, or this conversation).
        const [conv] = await tx
          .insert(schema.conversations)
          .values({
            workspaceId: campaign.workspaceId,
            numberId,
            contactId: contact.id,
            status: 'completed',
            lastActivityAt: now,
          })
          .returning({ id: schema.conversations.id });
        if (!conv) throw new Error('conversation insert returned nothing');
        const q = await queueMessage(tx, {
          workspaceId: campaign.workspaceId,
          numberId,
          conversationId: conv.id,
          to: recipient.waId,
          author: 'campaign',
          idempotencyKey: `campaign:${r.id}`,
          ...(content.kind === 'template'
            ? templateMessage(content, { ...contact, waId: recipient.waId })
            : { text: content.text }),
        });
        await tx
          .update(schema.campaignRecipients)
          .set({ queuedAt: now, messageId: q.messageId, conversationId: conv.id, updatedAt: now })
          .where(eq(schema.campaignRecipients.id, r.id));
      } else {
        const variables = Object.fromEntries(
          Object.entries(content.variables).map(([k, src]) => [
            k,
            contactValue(src, {
              name: contact.name,
              waId: recipient.waId,
              attributes: contact.attributes,
            }),
          ]),
        );
        const eventId = `campaign:${r.id}`;
        await insertInboundEvent(tx, {
          numberId,
          waMessageId: eventId,
          fromWaId: recipient.waId,
          kind: 'api_start',
          payload: {
            kind: 'api_start',
            flowId: content.flowId,
            variables,
            contact: {
              phone: `+${recipient.waId.replace(/@c\.us$/, '')}`,
              ...(contact.name ? { name: contact.name } : {}),
            },
          },
        });
        await tx
          .update(schema.campaignRecipients)
          .set({ queuedAt: now, eventId, updatedAt: now })
          .where(eq(schema.campaignRecipients.id, r.id));
      }
      const counted = countSend(pace, now.getTime(), campaign.timeZone);
      const nextAt = nextSendAt(now.getTime(), counted, t.pacing, campaign.timeZone, random);
      await tx
        .update(schema.campaignNumbers)
        .set({ day: counted.day, sentToday: counted.sentToday, nextSendAt: new Date(nextAt) })
        .where(
          and(
            eq(schema.campaignNumbers.campaignId, campaign.id),
            eq(schema.campaignNumbers.numberId, numberId),
          ),
        );
      return { kind: 'queued', flowEvent: content.kind === 'flow', nextAt };
    }),
  );
}
