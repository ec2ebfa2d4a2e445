// Saved replies: the workspace's canned answers agents pick in the inbox. `{{contact.name}}` in a
// text is filled in with the contact's name when used (the web app does it before sending).
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema } from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import type { RouteFn } from '../../routing/route.ts';

const savedReplyBody = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'give the reply a short title')
    .max(80, 'a title is at most 80 characters'),
  text: z
    .string()
    .trim()
    .min(1, 'type the reply')
    .max(4096, 'WhatsApp messages are at most 4096 characters'),
});

export function registerSavedReplies(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/saved-replies';
  const tag = 'Saved replies';
  const t = schema.savedReplies;
  const columns = { id: t.id, title: t.title, text: t.text, createdAt: t.createdAt };

  route({
    method: 'get',
    path: base,
    access: 'savedReplies.list',
    tag,
    summary: 'List the workspace’s saved replies, by title',
    handler: async (c) => {
      const items = await deps.client.db
        .select(columns)
        .from(t)
        .where(eq(t.workspaceId, c.get('workspaceId')))
        .orderBy(asc(t.title))
        .limit(500);
      return c.json({ items, nextCursor: null });
    },
  });

  route({
    method: 'post',
    path: base,
    access: 'savedReplies.create',
    tag,
    summary: 'Save a reply (`{{contact.name}}` is replaced with the contact’s name when used)',
    body: savedReplyBody,
    handler: async (c, { body }) => {
      const row = await deps.client.db.transaction(async (tx) => {
        const [r] = await tx
          .insert(t)
          .values({ workspaceId: c.get('workspaceId'), ...body })
          .returning(columns);
        await audit(c, tx, {
          action: 'savedReply.create',
          entityType: 'savedReply',
          entityId: r?.id ?? null,
        });
        return r;
      });
      return c.json(row, 201);
    },
  });

  route({
    method: 'delete',
    path: `${base}/:id`,
    access: 'savedReplies.delete',
    tag,
    summary: 'Delete a saved reply',
    handler: async (c) => {
      const id = c.req.param('id');
      if (!isUuid(id)) throw notFound('The saved reply');
      await deps.client.db.transaction(async (tx) => {
        const gone = await tx
          .delete(t)
          .where(and(eq(t.id, id), eq(t.workspaceId, c.get('workspaceId'))))
          .returning({ id: t.id });
        if (!gone.length) throw notFound('The saved reply');
        await audit(c, tx, { action: 'savedReply.delete', entityType: 'savedReply', entityId: id });
      });
      return c.body(null, 204);
    },
  });
}
