// split: a weighted random path, drawn from the conversation's seed (same draw on a replay).
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { nextRandom } from '../../engine/random.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { splitMeta } from './split.meta.ts';

type SplitNode = NodeOf<'split'>;

export function executeSplit(node: SplitNode, run: Run): Step {
  const { value, seed } = nextRandom(run.state.seed);
  run.state.seed = seed;
  const total = node.branches.reduce((s, b) => s + b.weight, 0);
  let pick = value * total;
  let chosen = node.branches[node.branches.length - 1];
  for (const [i, b] of node.branches.entries()) {
    if (pick < b.weight) {
      chosen = b;
      if (node.saveAs) run.state.vars[node.saveAs] = b.label ?? String.fromCharCode(65 + i);
      break;
    }
    pick -= b.weight;
  }
  if (node.saveAs && run.state.vars[node.saveAs] === undefined) {
    run.state.vars[node.saveAs] = chosen?.label ?? String.fromCharCode(64 + node.branches.length);
  }
  return { go: chosen?.next };
}

export const splitBlock: BlockDefinition<SplitNode> = {
  meta: splitMeta,
  variables: (node) => ({
    reads: [],
    writes: node.saveAs ? [{ field: 'saveAs', name: node.saveAs }] : [],
  }),
  waits: false,
  execute: executeSplit,
};
