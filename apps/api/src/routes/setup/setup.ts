// First run: while nobody has an account, create the owner and the first workspace.
import { sql } from 'drizzle-orm';
import { z } from 'zod/v4';
import { addMember, createUser, createWorkspace, schema } from '@waflow/db';
import { newPassword } from '../../auth/password-policy.ts';
import { passwords } from '../../auth/passwords.ts';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { RouteFn } from '../../routing/route.ts';
import { startSession } from '../auth/auth.ts';
import { workspaceName } from '../workspaces/schema.ts';

export const setupBody = z.object({
  email: z.string().trim().email('enter a valid email address'),
  password: newPassword,
  name: z.string().trim().min(1, 'enter your name').max(100),
  workspaceName,
});

async function userCount(deps: Deps): Promise<number> {
  const [row] = await deps.client.db.select({ n: sql<number>`count(*)::int` }).from(schema.users);
  return row?.n ?? 0;
}

export function registerSetup(route: RouteFn, deps: Deps): void {
  route({
    method: 'get',
    path: '/api/v1/setup',
    access: 'public',
    tag: 'Setup',
    summary: 'Whether waflow still needs its first owner',
    responses: [
      {
        status: 200,
        description: 'needsSetup is true until the first owner exists',
        schema: z.object({ needsSetup: z.boolean() }),
      },
    ],
    handler: async (c) => c.json({ needsSetup: (await userCount(deps)) === 0 }),
  });

  route({
    method: 'post',
    path: '/api/v1/setup',
    access: 'public',
    tag: 'Setup',
    summary:
      'First run: create the owner and the first workspace (only while no user exists), signed in',
    body: setupBody,
    handler: async (c, { body }) => {
      const result = await deps.client.db.transaction(async (tx) => {
        // Serialise concurrent first-run attempts: only the first may create the owner.
        await tx.execute(sql`select pg_advisory_xact_lock(7770001)`);
        const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(schema.users);
        if ((row?.n ?? 0) > 0)
          throw new AppError(409, 'ALREADY_SET_UP', 'waflow is already set up: sign in instead.');
        const ws = await createWorkspace(tx, body.workspaceName);
        const user = await createUser(tx, {
          email: body.email,
          name: body.name,
          passwordHash: await passwords.hash(body.password),
        });
        await addMember(tx, ws.id, user.id, 'owner');
        return { ws, user };
      });
      return startSession(c, deps, result.user.id, 201);
    },
  });
}
