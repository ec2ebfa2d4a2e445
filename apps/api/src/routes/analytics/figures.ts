// What the analytics routes answer, shared by the web app's routes and the integrator's: the
// Overview's figures and a flow's block figures for a query, as JSON or as CSV.
import { sql } from 'drizzle-orm';
import { canvasFigures, dashboardFigures, executeRows, schema } from '@waflow/db';
import type { CanvasFigures, DashboardFigures } from '@waflow/db';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { csvLine } from '../results/csv.ts';
import { MAX_RANGE_DAYS } from './schema.ts';

const DAY_MS = 86_400_000;

/** [from, to): given, or the 7 days up to now; at most MAX_RANGE_DAYS. */
function rangeOf(q: { from?: Date | undefined; to?: Date | undefined }): { from: Date; to: Date } {
  const to = q.to ?? new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  const from = q.from ?? new Date(to.getTime() - 7 * DAY_MS);
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
    throw new AppError(
      400,
      'RANGE_TOO_LONG',
      `The range is at most ${MAX_RANGE_DAYS} days: move from or to closer together.`,
    );
  return { from, to };
}

async function workspaceTimezone(deps: Deps, workspaceId: string): Promise<string> {
  const [w] = await executeRows<{ tz: string | null }>(
    deps.client.db,
    sql`select settings->>'timezone' as tz from ${schema.workspaces} where id = ${workspaceId}`,
  );
  return w?.tz ?? 'UTC';
}

export async function overview(
  deps: Deps,
  workspaceId: string,
  q: { from?: Date | undefined; to?: Date | undefined; flowId?: string; numberId?: string },
): Promise<DashboardFigures> {
  return dashboardFigures(deps.client.db, {
    workspaceId,
    ...rangeOf(q),
    timezone: await workspaceTimezone(deps, workspaceId),
    ...(q.flowId ? { flowId: q.flowId } : {}),
    ...(q.numberId ? { numberId: q.numberId } : {}),
  });
}

export async function blockFigures(
  deps: Deps,
  workspaceId: string,
  flowId: string | undefined,
  q: { from?: Date | undefined; to?: Date | undefined; versions: number[] },
): Promise<CanvasFigures & { versions: { id: string; version: number }[] }> {
  if (!flowId || !isUuid(flowId)) throw notFound('The flow');
  const versions = await executeRows<{ id: string; version: number }>(
    deps.client.db,
    sql`select v.id, v.version from ${schema.flowVersions} v join ${schema.flows} f on f.id = v.flow_id
        where f.id = ${flowId} and f.workspace_id = ${workspaceId} and f.deleted_at is null and v.status <> 'draft'
        order by v.version`,
  );
  const [flow] = await executeRows<{ id: string }>(
    deps.client.db,
    sql`select id from ${schema.flows} where id = ${flowId} and workspace_id = ${workspaceId} and deleted_at is null`,
  );
  if (!flow) throw notFound('The flow');
  const chosen = versions.filter((v) => q.versions.includes(Number(v.version)));
  const missing = q.versions.filter((n) => !versions.some((v) => Number(v.version) === n));
  if (missing.length > 0)
    throw new AppError(
      400,
      'VERSION_NOT_FOUND',
      `The flow has no published version ${missing.join(', ')}: choose among ${versions.map((v) => v.version).join(', ') || 'none (publish it first)'}.`,
    );
  const figures = await canvasFigures(deps.client.db, {
    workspaceId,
    flowId,
    versionIds: chosen.map((v) => v.id),
    ...rangeOf(q),
  });
  return {
    ...figures,
    versions: versions.map((v) => ({ id: v.id, version: Number(v.version) })),
  };
}

export function overviewCsv(f: DashboardFigures): string {
  const head = csvLine([
    'day',
    'messages_in',
    'messages_out',
    'conversations_started',
    'conversations_completed',
    'conversations_abandoned',
    'completion_rate_pct',
    'handoffs',
    'median_reply_ms',
    'failed_sends',
  ]);
  return (
    '\uFEFF' +
    head +
    f.days
      .map((d) =>
        csvLine([
          d.day,
          d.messagesIn,
          d.messagesOut,
          d.started,
          d.completed,
          d.abandoned,
          d.completionRate,
          d.handoffs,
          d.medianReplyMs,
          d.failedSends,
        ]),
      )
      .join('')
  );
}

export function blocksCsv(f: CanvasFigures): string {
  const head = csvLine([
    'block',
    'reached',
    'left',
    'stopped',
    'drop_off_pct',
    'invalid_answers',
    'http_failures',
    'median_time_ms',
    'exits',
  ]);
  return (
    '\uFEFF' +
    head +
    f.blocks
      .map((b) =>
        csvLine([
          b.nodeId,
          b.entered,
          b.left,
          b.stopped,
          b.dropOffPct,
          b.invalid,
          b.httpFailed,
          b.medianMs,
          Object.entries(b.exits)
            .map(([to, n]) => `${to || '(end)'}:${n}`)
            .join(' '),
        ]),
      )
      .join('')
  );
}

export function csvResponse(text: string, name: string): Response {
  return new Response(text, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="waflow-${name}-${new Date().toISOString().slice(0, 10)}.csv"`,
    },
  });
}
