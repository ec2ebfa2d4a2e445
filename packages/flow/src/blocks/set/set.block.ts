// set: give variables values, templated or computed with JSONLogic.
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { renderValue } from '../../engine/template.ts';
import { fromValue, logicVariables, type VariableUse } from '../../graph/variable-refs.ts';
import { unknownLogicOp } from '../../validate/rule-checks.ts';
import type { BlockDefinition, BlockIssue } from '../block-definition.ts';
import { evaluateLogic } from '../condition/condition.block.ts';
import { setMeta } from './set.meta.ts';

type SetNode = NodeOf<'set'>;

export function executeSet(node: SetNode, run: Run): Step {
  const saved: Record<string, unknown> = {};
  for (const a of node.assignments) {
    const value =
      a.expression !== undefined
        ? evaluateLogic(a.expression, run.scope)
        : renderValue(a.value ?? null, run.scope);
    run.state.vars[a.variable] = value ?? null;
    if (a.saveToContact) saved[a.saveToContact] = value ?? null;
  }
  if (Object.keys(saved).length > 0) {
    // Read back as {{contact.<key>}} for the rest of the conversation; the runtime keeps it.
    const contact = run.state.vars.contact;
    run.state.vars.contact = {
      ...(typeof contact === 'object' && contact !== null ? contact : {}),
      ...saved,
    };
    run.emit({ type: 'contact_update', nodeId: node.id, attributes: saved });
  }
  return { go: node.next };
}

export const setBlock: BlockDefinition<SetNode> = {
  meta: setMeta,
  variables(node) {
    const reads: VariableUse[] = [];
    const writes: VariableUse[] = [];
    node.assignments.forEach((a, i) => {
      writes.push({ field: `assignments[${i}].variable`, name: a.variable });
      fromValue(`assignments[${i}].value`, a.value, reads);
      logicVariables(a.expression).forEach((name) =>
        reads.push({ field: `assignments[${i}].expression`, name }),
      );
    });
    return { reads, writes };
  },
  waits: false,
  check(node, ctx) {
    const issues: BlockIssue[] = [];
    node.assignments.forEach((a, i) => {
      if (a.saveToContact && ctx.contactAttributes && !ctx.contactAttributes.has(a.saveToContact))
        issues.push({
          code: 'UNKNOWN_CONTACT_ATTRIBUTE',
          field: `assignments[${i}].saveToContact`,
          message: `"${a.saveToContact}" is not a contact attribute of this workspace: declare it on the Contacts page or pick one that is.`,
        });
      const bad = a.expression === undefined ? undefined : unknownLogicOp(a.expression);
      if (bad)
        issues.push({
          code: 'INVALID_CONDITION',
          field: `assignments[${i}].expression`,
          message: `The formula uses "${bad}", which is not a known operation: rebuild it in the editor.`,
        });
    });
    return issues;
  },
  execute: executeSet,
};
