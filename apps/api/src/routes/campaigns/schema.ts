// The campaign routes' shapes: the create body (audience, content and settings are parsed by
// @waflow/campaign, which words every problem), the schedule body and the views.
import { z } from 'zod/v4';
import { RECIPIENT_STATUSES } from '@waflow/campaign';

const localTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/,
    'sendAt is a local date and time like 2026-03-29T09:00 (in the workspace time zone)',
  );

export const createBody = z.object({
  name: z.string().trim().min(1, 'give the campaign a name').max(120),
  audience: z.unknown(),
  content: z
    .unknown()
    .describe(
      'What to send: {kind:"message",text} | {kind:"flow",flowId,variables:{var:"name"|"phone"|"attributes.<key>"}} | {kind:"template",name,language,text (the body with {{1}}…),parameters:["name"|"phone"|"attributes.<key>", …],contentSid?} — a template goes as itself on the Cloud API (and Twilio with a Content SID), as its filled text elsewhere',
    ),
  numberIds: z
    .array(z.string().uuid('numberIds lists numbers by their id'))
    .min(1, 'choose at least one number to send from')
    .max(20),
  settings: z.unknown().optional(),
  /** Local date and time to start at; without it the campaign is a draft (or starts with start: true). */
  sendAt: localTime.optional(),
  start: z.boolean().optional(),
});

export const scheduleBody = z.object({ sendAt: localTime });

export const recipientsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, 'pass nextCursor from the previous page as it is')
    .optional(),
  status: z.enum(RECIPIENT_STATUSES).optional(),
  q: z.string().trim().max(100).optional(),
});

const counts = z.object({
  queued: z.number(),
  sent: z.number(),
  delivered: z.number(),
  read: z.number(),
  replied: z.number(),
  failed: z.number(),
  skipped: z.number(),
});

export const campaignView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  audience: z.unknown(),
  audienceText: z.string(),
  content: z.unknown(),
  settings: z.unknown(),
  timeZone: z.string(),
  numberIds: z.array(z.string()),
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  pausedReason: z.string().nullable(),
  total: z.number(),
  counts,
  /** Plain-words warnings (a WhatsApp Web number's ban risk). */
  warnings: z.array(z.string()),
});

export const campaignDetail = campaignView.extend({
  /** Messages sent per minute since the start: the chart. */
  series: z.array(z.object({ at: z.string(), sent: z.number(), failed: z.number() })),
  failures: z.array(z.object({ reason: z.string(), count: z.number() })),
});

export const recipientView = z.object({
  id: z.string(),
  contactId: z.string(),
  contact: z.string(),
  name: z.string().nullable(),
  numberId: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  sentAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  readAt: z.string().nullable(),
  repliedAt: z.string().nullable(),
});
