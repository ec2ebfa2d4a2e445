// Numbers: list and add. (QR streaming, relink and removal come with the WhatsApp channel.)
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { schema } from '@waflow/db';
import { jsonBody } from '../../body.ts';
import type { AppEnv, Deps } from '../../context.ts';
import { requireRole, requireUser } from '../../middleware/auth.ts';
import { loadFlow } from '../flows/flows.ts';

const createBody = z.object({
  label: z.string().trim().min(1, 'give the number a label').max(80),
  flowId: z.string().uuid('pick a flow').optional(),
  channel: z.enum(['whatsapp', 'sandbox']).default('whatsapp'),
});

export function registerNumbers(app: Hono<AppEnv>, deps: Deps): void {
  const base = '/api/v1/workspaces/:ws/numbers';
  app.get(base, requireUser(deps), requireRole(deps, 'numbers.list'), async (c) => {
    const rows = await deps.client.db
      .select({ id: schema.numbers.id, label: schema.numbers.label, channel: schema.numbers.channel, phone: schema.numbers.phone, status: schema.numbers.status, flowId: schema.numbers.flowId, lastError: schema.numbers.lastError, restartCount: schema.numbers.restartCount })
      .from(schema.numbers)
      .where(and(eq(schema.numbers.workspaceId, c.get('workspaceId')), isNull(schema.numbers.deletedAt), isNull(schema.numbers.pinnedVersionId)))
      .orderBy(desc(schema.numbers.createdAt));
    return c.json({ items: rows, nextCursor: null });
  });

  app.post(base, requireUser(deps), requireRole(deps, 'numbers.create'), async (c) => {
    const body = await jsonBody(c, createBody);
    if (body.flowId) await loadFlow(deps, c.get('workspaceId'), body.flowId);
    const [row] = await deps.client.db
      .insert(schema.numbers)
      .values({ workspaceId: c.get('workspaceId'), label: body.label, channel: body.channel, flowId: body.flowId ?? null })
      .returning();
    if (row && body.channel === 'sandbox' && deps.runtime) await deps.runtime.attachSandbox(row.id);
    return c.json(row, 201);
  });
}
