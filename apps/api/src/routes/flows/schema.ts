// The flow routes' shapes: request bodies and queries, and the views they answer with.
import { z } from 'zod/v4';
import { isTimeZone } from '@waflow/flow';
import { versionNumber } from '../../routing/params.ts';

/** Where the flow routes live, and their tag in the API reference. */
export const base = '/api/v1/workspaces/:ws/flows';
export const tag = 'Flows';

export const config = z
  .record(z.string(), z.unknown())
  .describe('A flow config (schemas/flow.schema.json).');
export const createBody = z.object({
  name: z.string().trim().min(1, 'name the flow').max(120),
  config: config.optional(),
  /** The time zone of a new blank flow's `now` (the web app sends the browser's). */
  timezone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'timezone is a time zone name like Europe/Madrid')
    .optional(),
});
export const importBody = z.object({
  name: z.string().trim().min(1, 'name the imported flow').max(120),
  config,
});
export const renameBody = z.object({ name: z.string().trim().min(1, 'name the flow').max(120) });
export const publishBody = z.object({
  changelog: z.string().trim().max(500, 'keep the changelog under 500 characters').default(''),
});
export const rollbackBody = z.object({
  version: versionNumber('version'),
  changelog: z.string().trim().max(500).optional(),
});
export const diffQuery = z.object({
  from: versionNumber('from', true),
  to: versionNumber('to', true),
});

export const flowSummary = z.object({
  id: z.string(),
  name: z.string(),
  revision: z.number(),
  publishedVersionId: z.string().nullable(),
  updatedAt: z.date(),
});
export const versionSummary = z.object({
  id: z.string(),
  version: z.number(),
  status: z.string(),
  changelog: z.string(),
  publishedAt: z.date().nullable(),
  checksum: z.string(),
});
const problem = z.object({
  code: z.string(),
  nodeId: z.string().optional(),
  field: z.string().optional(),
  message: z.string(),
});
export const validationResult = z.object({
  ok: z.boolean(),
  errors: z.array(problem),
  /** Worth fixing, but they do not stop a publish (an http block calling a literal internal address). */
  warnings: z.array(problem),
});
