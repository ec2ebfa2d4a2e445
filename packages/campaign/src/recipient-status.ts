// What happened to one recipient of a campaign: queued until handed to the outbox and sent, then
// following the message (delivered, read) and the contact (replied); failed with a reason, or
// skipped (opted out, in a conversation, invalid, cancelled).
export const RECIPIENT_STATUSES = [
  'queued',
  'sent',
  'delivered',
  'read',
  'replied',
  'failed',
  'skipped',
] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];
