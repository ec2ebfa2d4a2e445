// The edges out of a block: every field that names another block, with where it sits (for
// errors) and whether the engine stops to wait for the outside world at this block.
import type { FlowNode } from '../schema/types.ts';

export interface Edge {
  field: string;
  target: string;
}

export function edgesOf(node: FlowNode): Edge[] {
  const out: Edge[] = [];
  const add = (field: string, target: string | undefined) => {
    if (target !== undefined) out.push({ field, target });
  };
  switch (node.type) {
    case 'say':
    case 'set':
    case 'subflow':
    case 'delay':
    case 'webhook':
    case 'handoff':
      add('next', node.next);
      break;
    case 'ask':
      if (node.validation.kind === 'choice') {
        node.validation.options.forEach((o, i) => add(`validation.options[${i}].next`, o.next));
      }
      add('next', node.next);
      add('onInvalid', node.onInvalid);
      add('onTimeout', node.onTimeout);
      break;
    case 'condition':
      node.branches.forEach((b, i) => add(`branches[${i}].next`, b.next));
      add('else', node.else);
      break;
    case 'jump':
      add('target', node.target);
      break;
    case 'loop':
      add('body', node.body);
      add('next', node.next);
      break;
    case 'split':
      node.branches.forEach((b, i) => add(`branches[${i}].next`, b.next));
      break;
    case 'http':
      add('next', node.next);
      add('onFailure', node.onFailure);
      add('onTimeout', node.onTimeout);
      break;
    case 'return':
    case 'end':
      break;
    default: {
      const never: never = node;
      throw new Error(`unknown block type ${JSON.stringify(never)}`);
    }
  }
  return out;
}

/** Blocks where a run stops until something comes from outside (a reply, a timer, an answer). */
export function waitsForOutside(node: FlowNode): boolean {
  return node.type === 'ask' || node.type === 'delay' || node.type === 'http' || node.type === 'handoff';
}
