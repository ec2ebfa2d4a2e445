// jump: continue at another block.
import type { NodeOf } from '../../schema/types.ts';
import type { Step } from '../../engine/run.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { jumpMeta } from './jump.meta.ts';

type JumpNode = NodeOf<'jump'>;

export function executeJump(node: JumpNode): Step {
  return { go: node.target };
}

export const jumpBlock: BlockDefinition<JumpNode> = {
  meta: jumpMeta,
  variables: () => ({ reads: [], writes: [] }),
  waits: false,
  execute: executeJump,
};
