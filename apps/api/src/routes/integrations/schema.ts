// The integrator routes' shapes: phone numbers, the start and send bodies, the results query, and
// the Idempotency-Key header they document.
import { z } from 'zod/v4';
import { dateParam } from '../../routing/params.ts';
import { pageQuery } from '../../routing/route.ts';

export const phone = z
  .string()
  .trim()
  .regex(
    /^\+?[0-9][0-9 ()-]{5,20}$/,
    'phone is the contact’s number with country code, e.g. +34600123456',
  )
  .transform((p) => p.replace(/\D/g, ''));
export const startBody = z.object({
  numberId: z.string().uuid('numberId is the id of the WhatsApp number to start from'),
  contact: z.object({ phone, name: z.string().trim().max(100).optional() }),
  variables: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('Initial values for variables the flow declares (others are ignored)'),
});
export const sendBody = z.object({
  numberId: z.string().uuid('numberId is the id of the WhatsApp number to send from'),
  to: phone,
  text: z
    .string()
    .trim()
    .min(1, 'text is empty')
    .max(4096, 'WhatsApp messages are at most 4096 characters'),
});
export const resultsQuery = pageQuery.extend({
  flowId: z.string().uuid('flowId is a flow’s id').optional(),
  since: dateParam('since').optional(),
  include: z
    .enum(['simulator'], { error: 'include=simulator is the one thing to include' })
    .optional()
    .describe('simulator: also the runs of simulator sessions (left out by default)'),
});
export const IDEMPOTENCY_NOTE =
  'With an Idempotency-Key, a retry with the same body answers what the first request answered (header Idempotent-Replayed: true) and does nothing twice; the same key with another body is a 409. Keys are remembered for 24 hours.';
export const idempotencyHeader = {
  'Idempotency-Key': {
    description:
      'Any unique string (a UUID): retrying with the same key and body returns the first answer and does nothing twice',
  },
};

/** Whether a flow config has an `api` trigger: only those flows may be started by integrators. */
export function hasApiTrigger(config: Record<string, unknown> | undefined): boolean {
  const triggers = config?.triggers;
  return (
    Array.isArray(triggers) &&
    triggers.some(
      (t: unknown) => typeof t === 'object' && t !== null && 'type' in t && t.type === 'api',
    )
  );
}
