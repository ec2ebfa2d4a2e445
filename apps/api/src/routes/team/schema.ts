// The team routes' shapes: the workspace's settings, roles, invites.
import { z } from 'zod/v4';
import { isTimeZone } from '@waflow/flow';
import { workspaceName } from '../workspaces/schema.ts';

/** Where the team routes live, and their tag in the API reference. */
export const ws = '/api/v1/workspaces/:ws';
export const tag = 'Team';

export const role = z.enum(['owner', 'admin', 'editor', 'viewer'], {
  error: 'role is one of owner, admin, editor, viewer',
});

const keywords = z
  .array(z.string().trim().min(1, 'a keyword cannot be empty').max(50))
  .min(1, 'keep at least one keyword')
  .max(30, 'at most 30 keywords');

export const workspaceBody = z.object({
  name: workspaceName.optional(),
  settings: z
    .object({
      /** Minutes the bot stays quiet in a conversation after a person replied from the phone. */
      humanReplyPauseMinutes: z
        .number()
        .int()
        .min(0)
        .max(7 * 24 * 60, 'at most a week (10080 minutes)')
        .optional(),
      timezone: z
        .string()
        .max(64)
        .refine(isTimeZone, 'timezone is a time zone name like Europe/Madrid (IANA)')
        .optional(),
      /** Days conversations, their messages and results are kept after their last activity (null: kept until deleted). */
      retentionDays: z
        .number()
        .int('a whole number of days')
        .min(1, 'at least 1 day')
        .max(3650, 'at most 3650 days (10 years)')
        .nullable()
        .optional(),
      /** Words that opt a contact out (default STOP, BAJA, SAIR, UNSUBSCRIBE, CANCELAR). */
      optOutKeywords: keywords.optional(),
      /** Words with which a contact opts back in (default START, ALTA, VOLTAR). */
      startKeywords: keywords.optional(),
    })
    .optional(),
});
export const inviteBody = z.object({
  email: z.string().trim().email('enter a valid email address').max(200),
  role,
});
