// PUT …/flows/:id/draft saves the draft (If-Match, 409 when someone else saved); POST
// …/flows/:id/validate lists the draft's problems.
import { z } from 'zod/v4';
import { saveDraft } from '@waflow/db';
import { validateFlow } from '@waflow/flow';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RouteFn } from '../../routing/route.ts';
import { refuseOversizedFlow } from './flow-size.ts';
import { loadFlow } from './load-flow.ts';
import { egressContext, validationContext } from './validation-context.ts';
import { base, config, tag, validationResult } from './schema.ts';

/**
 * The draft revision an If-Match names: its ETag as the read answered it (`"12"`; weak `W/"12"`
 * and a bare `12` are taken too). `*` would save over anyone's changes, so drafts refuse it (412);
 * anything else is no ETag of ours (400). Both messages say what to send.
 */
export function draftRevisionOf(ifMatch: string): number {
  const value = ifMatch.trim();
  const where = 'the ETag header of GET /api/v1/workspaces/:ws/flows/:id';
  if (value === '*')
    throw new AppError(
      412,
      'IF_MATCH_ANY_UNSUPPORTED',
      `If-Match: * is not accepted for drafts, as it would save over anyone's changes: send the ETag the flow was read with (${where}), like "12".`,
    );
  const m = /^(?:W\/)?"(\d{1,15})"$|^(\d{1,15})$/.exec(value);
  const digits = m?.[1] ?? m?.[2];
  if (digits === undefined)
    throw new AppError(
      400,
      'IF_MATCH_INVALID',
      `If-Match must be the ETag the flow was read with (${where}): a revision number in double quotes, like "12". Got ${JSON.stringify(value.slice(0, 60))}.`,
    );
  return Number(digits);
}

export function registerDraft(route: RouteFn, deps: Deps): void {
  route({
    method: 'put',
    path: `${base}/:id/draft`,
    access: 'flows.saveDraft',
    tag,
    summary:
      'Save the draft (optimistic concurrency: If-Match with the ETag you loaded; 409 DRAFT_CONFLICT when someone else saved, 400 IF_MATCH_INVALID for what is no ETag of ours, 412 for If-Match: *; 422 FLOW_TOO_LARGE, nothing saved, past WAFLOW_MAX_FLOW_BLOCKS blocks)',
    headers: {
      'If-Match': {
        description: 'The ETag (draft revision) the draft was loaded with, e.g. "12"; * is refused',
        required: true,
      },
    },
    body: config,
    responses: [
      {
        status: 200,
        description: "Saved: the new revision (also in ETag) and the draft's current problems",
        schema: z.object({
          revision: z.number(),
          errors: validationResult.shape.errors,
          warnings: validationResult.shape.warnings,
        }),
      },
    ],
    handler: async (c, { body: draft }) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      const ifMatch = c.req.header('if-match');
      if (!ifMatch)
        throw new AppError(
          428,
          'IF_MATCH_REQUIRED',
          "Send the If-Match header with the ETag you loaded, so nobody's changes are overwritten.",
        );
      const expected = draftRevisionOf(ifMatch);
      refuseOversizedFlow(deps, draft);
      const revision = await saveDraft(deps.client.db, flow.id, draft, expected);
      if (revision === undefined) {
        throw new AppError(
          409,
          'DRAFT_CONFLICT',
          'Someone else saved this flow after you opened it: reload to see their changes, then apply yours again.',
          { currentRevision: flow.draftRevision },
        );
      }
      c.header('ETag', `"${revision}"`);
      // Drafts may be incomplete: they are saved as they are, with their problems listed.
      const v = validateFlow(draft, egressContext(deps));
      return c.json({ revision, errors: v.ok ? [] : v.errors, warnings: v.warnings });
    },
  });

  route({
    method: 'post',
    path: `${base}/:id/validate`,
    access: 'flows.validate',
    tag,
    summary: 'Validate the draft: every problem names its block and field in plain words',
    responses: [{ status: 200, description: 'The problems, if any', schema: validationResult }],
    handler: async (c) => {
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      const v = validateFlow(flow.draft, await validationContext(deps, c.get('workspaceId')));
      return c.json({ ok: v.ok, errors: v.errors, warnings: v.warnings });
    },
  });
}
