// Giving a conversation back to the bot at a chosen block: the blocks of the flow version the
// conversation runs (for the inbox's picker), and the check that a chosen one is among them.
import { eq } from 'drizzle-orm';
import { z } from 'zod/v4';
import { schema, type Database } from '@waflow/db';
import { AppError } from '../../errors.ts';

export const releaseQuery = z.object({
  nodeId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'The block to carry on at (one of the conversation’s `blocks`); unset: after the handoff block',
    ),
});

/** The blocks of the main flow of `flowVersionId`: `{ id, type }` in the flow's order. */
export async function blocksOf(
  db: Database,
  flowVersionId: string | null,
): Promise<{ id: string; type: string }[]> {
  if (!flowVersionId) return [];
  const [v] = await db
    .select({ config: schema.flowVersions.config })
    .from(schema.flowVersions)
    .where(eq(schema.flowVersions.id, flowVersionId));
  const config: unknown = v?.config;
  if (typeof config !== 'object' || config === null || !('nodes' in config)) return [];
  const nodes: unknown = config.nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((n: unknown) =>
    typeof n === 'object' && n !== null && 'id' in n && 'type' in n && typeof n.id === 'string'
      ? [{ id: n.id, type: String(n.type) }]
      : [],
  );
}

export async function checkBlock(
  db: Database,
  flowVersionId: string | null,
  nodeId: string,
): Promise<void> {
  const blocks = await blocksOf(db, flowVersionId);
  if (!blocks.some((b) => b.id === nodeId))
    throw new AppError(
      422,
      'BLOCK_NOT_FOUND',
      `This conversation’s flow has no block "${nodeId}": pick one of its blocks (${blocks
        .slice(0, 10)
        .map((b) => b.id)
        .join(', ')}).`,
    );
}
