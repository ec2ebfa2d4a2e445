// return: leave the sub-flow (dropping any loops inside it) and continue in the caller.
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { returnMeta } from './return.meta.ts';

/** Pops back to the caller of the current sub-flow; undefined when not in one. */
export function returnToCaller(run: Run): Step | undefined {
  const stack = run.state.stack ?? [];
  while (stack.length > 0) {
    const frame = stack.pop();
    if (frame?.k !== 'sub') continue;
    const subVars = run.state.vars;
    run.state.vars = frame.vars;
    for (const [callerVar, subVar] of Object.entries(frame.out ?? {}))
      run.state.vars[callerVar] = subVars[subVar] ?? null;
    if (frame.flow === undefined) delete run.state.flow;
    else run.state.flow = frame.flow;
    if (stack.length === 0) delete run.state.stack;
    return { go: frame.ret };
  }
  delete run.state.stack;
  return undefined;
}

export function executeReturn(run: Run): Step {
  return returnToCaller(run) ?? { end: 'completed' };
}

export const returnBlock: BlockDefinition<NodeOf<'return'>> = {
  meta: returnMeta,
  variables: () => ({ reads: [], writes: [] }),
  waits: false,
  execute: (_node, run) => executeReturn(run),
};
