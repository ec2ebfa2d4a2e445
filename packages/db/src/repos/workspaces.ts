// Workspaces and their members.
import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { memberships, users, workspaces } from '../schema/index.ts';

export async function createWorkspace(db: Database, name: string) {
  const [row] = await db.insert(workspaces).values({ name }).returning();
  if (!row) throw new Error('workspace insert returned nothing');
  return row;
}

export async function createUser(
  db: Database,
  input: { email: string; name: string; passwordHash: string },
) {
  const [row] = await db
    .insert(users)
    .values({ ...input, email: input.email.trim().toLowerCase() })
    .returning();
  if (!row) throw new Error('user insert returned nothing');
  return row;
}

export async function addMember(
  db: Database,
  workspaceId: string,
  userId: string,
  role: 'owner' | 'admin' | 'editor' | 'viewer',
) {
  await db.insert(memberships).values({ workspaceId, userId, role });
}

export async function getWorkspace(db: Database, id: string) {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id));
  return row;
}
