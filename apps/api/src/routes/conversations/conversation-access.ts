// One conversation of the caller's workspace, as the list shows it, or a 404.
import { and, eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import type { Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { listColumns } from './views.ts';

export async function loadConversation(deps: Deps, workspaceId: string, id: string | undefined) {
  if (!isUuid(id)) throw notFound('The conversation');
  const [row] = await deps.client.db
    .select(listColumns)
    .from(schema.conversations)
    .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
    .where(and(eq(schema.conversations.id, id), eq(schema.conversations.workspaceId, workspaceId)));
  if (!row) throw notFound('The conversation');
  return row;
}
export type LoadedConversation = Awaited<ReturnType<typeof loadConversation>>;
