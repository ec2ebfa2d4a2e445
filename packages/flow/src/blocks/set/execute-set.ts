// set: give variables values, templated or computed with JSONLogic.
import type { SetNode } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { renderValue } from '../../engine/template.ts';
import { evaluateLogic } from '../condition/execute-condition.ts';

export function executeSet(node: SetNode, run: Run): Step {
  for (const a of node.assignments) {
    const value = a.expression !== undefined ? evaluateLogic(a.expression, run.scope) : renderValue(a.value ?? null, run.scope);
    run.state.vars[a.variable] = value ?? null;
  }
  return { go: node.next };
}
