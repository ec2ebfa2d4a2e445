// API keys for integrators: created and shown once (`wf_` + 32 random bytes), stored as a SHA-256
// hash with a short prefix to tell them apart, listed masked, revoked at once.
import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { API_KEY_PREFIX, hashApiKey } from '../../middleware/api-key.ts';
import { isUuid } from '../../middleware/auth.ts';
import { afterCursor, pageOf } from '../../routing/cursor.ts';
import { page, pageQuery, type RouteFn } from '../../routing/route.ts';

const createBody = z.object({
  name: z.string().trim().min(1, 'name the key after what uses it, e.g. "CRM sync"').max(80),
});
const keyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters, to tell keys apart (wf_AbCdEfG…)'),
  lastUsedAt: z.date().nullable().describe('Updated at most once a minute'),
  createdAt: z.date(),
});

export function registerApiKeys(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/api-keys';
  const tag = 'API keys';

  route({
    method: 'get',
    path: base,
    access: 'apiKeys.list',
    tag,
    summary: 'List the workspace’s live API keys, masked (name, prefix, last use), newest first',
    query: pageQuery,
    responses: [{ status: 200, description: 'A page of keys', schema: page(keyView) }],
    handler: async (c, { query }) => {
      const k = schema.apiKeys;
      const rows = await deps.client.db
        .select({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          lastUsedAt: k.lastUsedAt,
          createdAt: k.createdAt,
        })
        .from(k)
        .where(
          and(
            eq(k.workspaceId, c.get('workspaceId')),
            isNull(k.revokedAt),
            afterCursor(query.cursor, k.createdAt, k.id),
          ),
        )
        .orderBy(desc(k.createdAt), desc(k.id))
        .limit(query.limit + 1);
      const p = pageOf(rows, query.limit, (r) => ({ at: r.createdAt, id: r.id }));
      return c.json({ ...p, items: p.items.map((r) => ({ ...r, prefix: `${r.prefix}…` })) });
    },
  });

  route({
    method: 'post',
    path: base,
    access: 'apiKeys.create',
    tag,
    summary: 'Create an API key: the key is in this answer only, store it now',
    body: createBody,
    responses: [
      {
        status: 201,
        description: 'The key, shown once',
        schema: keyView.extend({
          key: z
            .string()
            .describe('wf_… — shown in this answer only; send it as Authorization: Bearer wf_…'),
        }),
      },
    ],
    handler: async (c, { body }) => {
      const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      const [row] = await deps.client.db
        .insert(schema.apiKeys)
        .values({
          workspaceId: c.get('workspaceId'),
          name: body.name,
          prefix: key.slice(0, 10),
          keyHash: hashApiKey(key),
          createdBy: c.get('userId'),
        })
        .returning({
          id: schema.apiKeys.id,
          name: schema.apiKeys.name,
          prefix: schema.apiKeys.prefix,
          lastUsedAt: schema.apiKeys.lastUsedAt,
          createdAt: schema.apiKeys.createdAt,
        });
      await audit(c, deps.client.db, {
        action: 'api_key.create',
        entityType: 'api_key',
        entityId: row?.id,
        after: { name: body.name, prefix: row?.prefix },
      });
      return c.json({ ...row, key }, 201);
    },
  });

  route({
    method: 'delete',
    path: `${base}/:id`,
    access: 'apiKeys.revoke',
    tag,
    summary: 'Revoke an API key: calls with it are refused from now on',
    responses: [{ status: 204, description: 'Revoked' }],
    handler: async (c) => {
      const id = c.req.param('id');
      if (!isUuid(id)) throw notFound('The API key');
      const [row] = await deps.client.db
        .update(schema.apiKeys)
        .set({ revokedAt: new Date() })
        .where(
          and(
            eq(schema.apiKeys.id, id),
            eq(schema.apiKeys.workspaceId, c.get('workspaceId')),
            isNull(schema.apiKeys.revokedAt),
          ),
        )
        .returning({ name: schema.apiKeys.name, prefix: schema.apiKeys.prefix });
      if (!row) throw notFound('The API key');
      await audit(c, deps.client.db, {
        action: 'api_key.revoke',
        entityType: 'api_key',
        entityId: id,
        before: row,
      });
      return c.body(null, 204);
    },
  });
}
