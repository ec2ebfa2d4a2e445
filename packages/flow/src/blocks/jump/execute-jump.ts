// jump: continue at another block.
import type { JumpNode } from '../../schema/types.ts';
import type { Step } from '../../engine/run.ts';

export function executeJump(node: JumpNode): Step {
  return { go: node.target };
}
