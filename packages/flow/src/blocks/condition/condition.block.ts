// condition: the first branch whose JSONLogic rule holds on the variables wins, else `else`.
import jsonLogic from 'json-logic-js';
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { logicVariables, type VariableUse } from '../../graph/variable-refs.ts';
import { unknownLogicOp } from '../../validate/rule-checks.ts';
import type { BlockDefinition, BlockIssue } from '../block-definition.ts';
import { conditionMeta } from './condition.meta.ts';

type ConditionNode = NodeOf<'condition'>;

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

export const conditionBlock: BlockDefinition<ConditionNode> = {
  meta: conditionMeta,
  variables(node) {
    const reads: VariableUse[] = [];
    node.branches.forEach((b, i) =>
      logicVariables(b.when).forEach((name) => reads.push({ field: `branches[${i}].when`, name })),
    );
    return { reads, writes: [] };
  },
  waits: false,
  check(node) {
    const issues: BlockIssue[] = [];
    node.branches.forEach((b, i) => {
      const bad = unknownLogicOp(b.when);
      if (bad)
        issues.push({
          code: 'INVALID_CONDITION',
          field: `branches[${i}].when`,
          message: `The rule uses "${bad}", which is not a known operation: rebuild the rule in the editor.`,
        });
    });
    return issues;
  },
  execute: executeCondition,
};
