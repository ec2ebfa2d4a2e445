// Workspaces and their members.
import { asc, eq } from 'drizzle-orm';
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

/**
 * The workspaces `userId` is a member of, with their role in each, in the order they joined them
 * (the first is the one they set up or were first invited to: the web app's default).
 */
export async function listWorkspacesOf(db: Database, userId: string) {
  return db
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(workspaces.id));
}
