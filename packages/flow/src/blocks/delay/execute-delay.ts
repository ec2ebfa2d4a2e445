// delay: wait for a timer, then go on.
import type { DelayNode } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';

export function executeDelay(node: DelayNode, run: Run): Step {
  run.state.wait = { k: 'timer', node: node.id, timer: run.setTimer(node.seconds, 'delay') };
  return { wait: true };
}
