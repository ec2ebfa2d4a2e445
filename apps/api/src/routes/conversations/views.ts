// What the inbox shows of a conversation and of a message, chosen once: the list, the detail and
// the live event stream answer the same shapes.
import { conversationStatusNow, schema } from '@waflow/db';

export const conversationColumns = {
  id: schema.conversations.id,
  // A lapsed pause for a person reads as `waiting` (conversationStatusNow says why).
  status: conversationStatusNow(),
  numberId: schema.conversations.numberId,
  flowId: schema.conversations.flowId,
  flowVersionId: schema.conversations.flowVersionId,
  handoffUntil: schema.conversations.handoffUntil,
  handoffReason: schema.conversations.handoffReason,
  assignedTo: schema.conversations.assignedTo,
  lastActivityAt: schema.conversations.lastActivityAt,
  createdAt: schema.conversations.createdAt,
};
export const contactColumns = {
  id: schema.contacts.id,
  waId: schema.contacts.waId,
  name: schema.contacts.name,
  // The inbox shows an opted-out contact as such (campaigns never message them).
  optedOutAt: schema.contacts.optedOutAt,
};
export const listColumns = { ...conversationColumns, contact: contactColumns };

type MessageRow = typeof schema.messages.$inferSelect;
export function messageView(m: MessageRow) {
  return {
    id: m.id,
    direction: m.direction,
    author: m.author,
    /** The member who wrote an agent's reply or a note. */
    userId: m.userId,
    type: m.type,
    body: m.body,
    mediaRef: m.mediaRef,
    status: m.status,
    error: m.error,
    createdAt: m.createdAt,
    sentAt: m.sentAt,
    deliveredAt: m.deliveredAt,
    readAt: m.readAt,
  };
}
