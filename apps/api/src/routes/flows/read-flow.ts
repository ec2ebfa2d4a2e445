// GET …/flows/:id: a flow and its draft, the builder's hottest read (the draft text is served as
// Postgres stores it, and kept per process until its revision changes).
import type { Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import type { RouteFn } from '../../routing/route.ts';
import { base, tag } from './schema.ts';

/** The draft text last served per flow, with its revision (a bounded, per-process copy). */
const draftTexts = new Map<string, { revision: number; text: string }>();
const MAX_DRAFT_TEXTS = 500;

function rememberDraft(flowId: string, revision: number, text: string): void {
  draftTexts.delete(flowId);
  if (draftTexts.size >= MAX_DRAFT_TEXTS) draftTexts.delete(draftTexts.keys().next().value ?? '');
  draftTexts.set(flowId, { revision, text });
}

export function registerReadFlow(route: RouteFn, deps: Deps): void {
  route({
    method: 'get',
    path: `${base}/:id`,
    access: 'flows.get',
    tag,
    summary: 'Read a flow and its draft; ETag carries the draft revision for If-Match',
    handler: async (c) => {
      // The builder's hottest read: the draft goes from Postgres's JSON text into the response
      // as it is (no parse and re-serialise of a possibly large document), and Postgres renders
      // that text only when the draft changed since this process last served it (its revision
      // goes up on every save, so the copy kept here is exact).
      const id = c.req.param('id');
      if (!isUuid(id)) throw notFound('The flow');
      const known = draftTexts.get(id);
      const [row] = await deps.client.query<{
        id: string;
        name: string;
        draft: string | null;
        revision: number;
        published_version_id: string | null;
      }>(
        'select id, name, case when draft_revision = $3 then null else draft::text end as draft, draft_revision as revision, published_version_id from flows where id = $1 and workspace_id = $2 and deleted_at is null',
        [id, c.get('workspaceId'), known?.revision ?? -1],
      );
      const draft = row
        ? (row.draft ?? (known && Number(row.revision) === known.revision ? known.text : undefined))
        : undefined;
      const flow = row && draft !== undefined ? { ...row, draft } : undefined;
      if (row && row.draft !== null) rememberDraft(id, Number(row.revision), row.draft);
      if (!flow) throw notFound('The flow');
      c.header('ETag', `"${flow.revision}"`);
      c.header('Content-Type', 'application/json');
      return c.body(
        `{"id":${JSON.stringify(flow.id)},"name":${JSON.stringify(flow.name)},"draft":${flow.draft},"revision":${Number(flow.revision)},"publishedVersionId":${JSON.stringify(flow.published_version_id)}}`,
      );
    },
  });
}
