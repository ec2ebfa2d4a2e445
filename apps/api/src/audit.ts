// The audit log: every write through the API records who did what to which entity, with the
// before/after state (secrets never included). Written in the same transaction as the change when
// one is given, so a change is never without its audit row.
import type { Context } from 'hono';
import { schema, type Database } from '@waflow/db';
import type { AppEnv } from './context.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export async function audit(
  c: Context<AppEnv>,
  db: Database,
  entry: AuditEntry,
  workspaceId: string | null = c.get('workspaceId') ?? null,
): Promise<void> {
  await db.insert(schema.auditLog).values({
    workspaceId,
    actorUserId: c.get('userId') ?? null,
    actorApiKeyId: c.get('apiKeyId') ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: c.get('requestId') ?? null,
  });
}
