// loop (for each): run the body once per item of a list variable; when the body's path ends (or
// links back to the loop block) the next item starts; after the last one, continue at `next`.
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import type { Frame } from '../../engine/types.ts';
import type { VariableUse } from '../../graph/variable-refs.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { loopMeta } from './loop.meta.ts';

type LoopNode = NodeOf<'loop'>;

export function executeLoop(node: LoopNode, run: Run): Step {
  const stack = (run.state.stack ??= []);
  // Back at a loop already running (its body's path ended, or the body links back to it): next
  // item, dropping any inner loop left open. Otherwise a fresh run of the loop starts.
  let at = -1;
  for (let j = stack.length - 1; j >= 0; j--) {
    const f = stack[j];
    if (!f || f.k === 'sub') break;
    if (f.node === node.id) {
      at = j;
      break;
    }
  }
  let frame: Extract<Frame, { k: 'loop' }>;
  const open = stack[at];
  if (open?.k === 'loop') {
    stack.length = at + 1;
    open.i += 1;
    frame = open;
  } else {
    frame = { k: 'loop', node: node.id, i: 0 };
    stack.push(frame);
  }
  const raw = run.state.vars[node.list];
  const list = Array.isArray(raw) ? raw.slice(0, node.maxItems ?? 100) : [];
  if (frame.i >= list.length) {
    stack.pop();
    if (stack.length === 0) delete run.state.stack;
    delete run.state.vars[node.itemVariable];
    return { go: node.next };
  }
  run.state.vars[node.itemVariable] = list[frame.i];
  if (node.indexVariable) run.state.vars[node.indexVariable] = frame.i + 1;
  return { go: node.body };
}

export const loopBlock: BlockDefinition<LoopNode> = {
  meta: loopMeta,
  variables(node) {
    const writes: VariableUse[] = [{ field: 'itemVariable', name: node.itemVariable }];
    if (node.indexVariable) writes.push({ field: 'indexVariable', name: node.indexVariable });
    return { reads: [{ field: 'list', name: node.list }], writes };
  },
  waits: false,
  // Its body may link back to it: that circle ends with the list (maxItems).
  boundedPorts: ['body'],
  execute: executeLoop,
};
