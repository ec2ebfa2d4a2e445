// delay: wait for a timer, then go on.
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { delayMeta } from './delay.meta.ts';

type DelayNode = NodeOf<'delay'>;

export function executeDelay(node: DelayNode, run: Run): Step {
  run.state.wait = { k: 'timer', node: node.id, timer: run.setTimer(node.seconds, 'delay') };
  return { wait: true };
}

export const delayBlock: BlockDefinition<DelayNode> = {
  meta: delayMeta,
  variables: () => ({ reads: [], writes: [] }),
  waits: true,
  execute: executeDelay,
  resume: {
    timer(node, run) {
      delete run.state.wait;
      return { go: node.next };
    },
  },
};
