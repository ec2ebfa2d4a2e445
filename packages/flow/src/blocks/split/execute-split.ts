// split: a weighted random path, drawn from the conversation's seed (same draw on a replay).
import type { SplitNode } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { nextRandom } from '../../engine/random.ts';

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
