// GET /integrations/results and /integrations/conversations/:id: what flows collected, and a
// conversation with its transcript.
import { and, desc, eq, gte, not, sql } from 'drizzle-orm';
import { conversationStatusNow, isSimulatorNumber, schema, transcript } from '@waflow/db';
import { type Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { type RouteFn } from '../../routing/route.ts';
import { resultsQuery } from './schema.ts';

export function registerReadResults(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/integrations';
  const tag = 'Integrations';

  route({
    method: 'get',
    path: `${base}/results`,
    access: 'apiKey',
    tag,
    summary:
      'Results (one per run, with the variables collected), newest first; simulator runs only with include=simulator (each item says `simulator`)',
    query: resultsQuery,
    handler: async (c, { query }) => {
      const rows = await deps.client.db
        .select({
          id: schema.results.id,
          flowId: schema.results.flowId,
          conversationId: schema.results.conversationId,
          status: schema.results.status,
          variables: schema.results.variables,
          createdAt: schema.results.createdAt,
          updatedAt: schema.results.updatedAt,
          contact: { waId: schema.contacts.waId, name: schema.contacts.name },
          simulator: sql<boolean>`${isSimulatorNumber(sql`${schema.conversations.numberId}`)}`,
        })
        .from(schema.results)
        .leftJoin(schema.contacts, eq(schema.contacts.id, schema.results.contactId))
        .innerJoin(schema.conversations, eq(schema.conversations.id, schema.results.conversationId))
        .where(
          and(
            eq(schema.results.workspaceId, c.get('workspaceId')),
            // Simulator runs are not production data (isSimulatorNumber): only when asked for.
            query.include === 'simulator'
              ? undefined
              : not(isSimulatorNumber(sql`${schema.conversations.numberId}`)),
            query.flowId ? eq(schema.results.flowId, query.flowId) : undefined,
            query.since ? gte(schema.results.updatedAt, query.since) : undefined,
            afterCursor(query.cursor, schema.results.updatedAt, schema.results.id),
          ),
        )
        .orderBy(desc(schema.results.updatedAt), desc(schema.results.id))
        .limit(query.limit + 1);
      return c.json(pageOf(rows, query.limit, (r) => ({ at: r.updatedAt, id: r.id })));
    },
  });

  route({
    method: 'get',
    path: `${base}/conversations/:id`,
    access: 'apiKey',
    tag,
    summary: 'A conversation with its transcript and the variables collected',
    handler: async (c) => {
      const id = c.req.param('id');
      if (!isUuid(id)) throw notFound('The conversation');
      const [conv] = await deps.client.db
        .select({
          id: schema.conversations.id,
          status: conversationStatusNow(),
          numberId: schema.conversations.numberId,
          flowId: schema.conversations.flowId,
          createdAt: schema.conversations.createdAt,
          lastActivityAt: schema.conversations.lastActivityAt,
          contact: { waId: schema.contacts.waId, name: schema.contacts.name },
        })
        .from(schema.conversations)
        .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
        .where(
          and(
            eq(schema.conversations.id, id),
            eq(schema.conversations.workspaceId, c.get('workspaceId')),
          ),
        );
      if (!conv) throw notFound('The conversation');
      const [messages, [result]] = await Promise.all([
        transcript(deps.client.db, conv.id),
        deps.client.db
          .select({ variables: schema.results.variables, status: schema.results.status })
          .from(schema.results)
          .where(eq(schema.results.conversationId, conv.id)),
      ]);
      return c.json({
        ...conv,
        variables: result?.variables ?? {},
        resultStatus: result?.status ?? null,
        // What was said with the contact: the team's notices (author `system`: why an http
        // block failed) stay in the web app, so integrators' transcripts keep their meaning.
        messages: messages
          .filter((m) => m.author !== 'system')
          .map((m) => ({
            direction: m.direction,
            author: m.author,
            type: m.type,
            body: m.body,
            status: m.status,
            createdAt: m.createdAt,
          })),
      });
    },
  });
}
