// The analytics routes' query: a date range (default the last 7 days), a flow or a number, and
// for a flow's blocks the versions to add up.
import { z } from 'zod/v4';
import { dateParam, versionNumber } from '../../routing/params.ts';

export const MAX_RANGE_DAYS = 366;

export const overviewQuery = z
  .object({
    from: dateParam('from').optional(),
    to: dateParam('to').optional(),
    flowId: z.string().uuid('flowId is a flow’s id').optional(),
    numberId: z.string().uuid('numberId is a number’s id').optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, {
    message: 'from is before to: swap them',
    path: ['from'],
  });

export const blocksQuery = z.object({
  from: dateParam('from').optional(),
  to: dateParam('to').optional(),
  versions: z
    .string()
    .max(200)
    .optional()
    .describe('Version numbers to add up, comma-separated (e.g. 3,4); none: every published one')
    .transform((v, ctx) => {
      const parts = (v ?? '').split(',').filter((p) => p.trim() !== '');
      const out: number[] = [];
      for (const p of parts) {
        const n = versionNumber('versions', true).safeParse(p.trim());
        if (!n.success) {
          ctx.addIssue({ code: 'custom', message: 'versions are version numbers like 3,4' });
          return z.NEVER;
        }
        out.push(n.data);
      }
      return out;
    }),
});
