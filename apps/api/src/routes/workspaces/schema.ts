// What a workspace is called: one rule for setup, creating another workspace and renaming one.
import { z } from 'zod/v4';

export const WORKSPACE_NAME_MAX = 100;

export const workspaceName = z
  .string({ error: 'the workspace name is text, e.g. "Acme Dental"' })
  .trim()
  .min(1, 'name the workspace, e.g. after the client it serves')
  .max(WORKSPACE_NAME_MAX, `a workspace name is at most ${WORKSPACE_NAME_MAX} characters`);

export const createWorkspaceBody = z.object({ name: workspaceName });

/** A workspace as its members see it in their list: with their own role there. */
export const workspaceItem = z.object({
  id: z.string().uuid(),
  name: z.string(),
  role: z.enum(['owner', 'admin', 'editor', 'viewer']),
});
