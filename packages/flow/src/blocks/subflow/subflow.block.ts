// subflow: run another flow with its own variables (inputs passed in; an input that is exactly one
// {{variable}} keeps its type, so a list stays a list), then come back and copy the outputs back.
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { renderValue } from '../../engine/template.ts';
import { initialVariables } from '../../engine/variables.ts';
import { fromValue, type VariableUse } from '../../graph/variable-refs.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { subflowMeta } from './subflow.meta.ts';

type SubflowNode = NodeOf<'subflow'>;

export function executeSubflow(node: SubflowNode, run: Run): Step {
  const target = run.subflows[node.flowId];
  if (!target) {
    run.emit({
      type: 'error',
      code: 'SUBFLOW_MISSING',
      nodeId: node.id,
      message: `The flow "${node.flowId}" called here is not available; the bot skipped it.`,
    });
    return { go: node.next };
  }
  const callerVars = run.state.vars;
  const vars = initialVariables(target);
  for (const [name, template] of Object.entries(node.input ?? {}))
    vars[name] = renderValue(template ?? '', callerVars);
  if (callerVars.contact !== undefined) vars.contact = callerVars.contact;
  const frame = {
    k: 'sub' as const,
    ...(run.state.flow === undefined ? {} : { flow: run.state.flow }),
    ...(node.next === undefined ? {} : { ret: node.next }),
    ...(node.output ? { out: node.output } : {}),
    vars: callerVars,
  };
  (run.state.stack ??= []).push(frame);
  run.state.flow = node.flowId;
  run.state.vars = vars;
  return { go: target.start };
}

export const subflowBlock: BlockDefinition<SubflowNode> = {
  meta: subflowMeta,
  variables(node) {
    const reads: VariableUse[] = [];
    fromValue('input', node.input, reads);
    return {
      reads,
      writes: Object.keys(node.output ?? {}).map((k) => ({ field: `output.${k}`, name: k })),
    };
  },
  waits: false,
  check(node, ctx) {
    if (!ctx.flowIds || ctx.flowIds.includes(node.flowId)) return [];
    return [
      {
        code: 'SUBFLOW_NOT_FOUND',
        field: 'flowId',
        message: `The flow "${node.flowId}" does not exist in this workspace: pick another flow.`,
      },
    ];
  },
  execute: executeSubflow,
};
