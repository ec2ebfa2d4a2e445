// condition: the first branch whose JSONLogic rule holds on the variables wins, else `else`.
import jsonLogic from 'json-logic-js';
import type { ConditionNode } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';

export function evaluateLogic(rule: unknown, vars: Record<string, unknown>): unknown {
  try {
    return jsonLogic.apply(rule as jsonLogic.RulesLogic, vars);
  } catch {
    // A rule that cannot be evaluated on these values (e.g. wrong types) does not hold.
    return undefined;
  }
}

export function executeCondition(node: ConditionNode, run: Run): Step {
  const scope = run.scope;
  for (const b of node.branches) {
    if (jsonLogic.truthy(evaluateLogic(b.when, scope))) return { go: b.next };
  }
  return { go: node.else };
}
