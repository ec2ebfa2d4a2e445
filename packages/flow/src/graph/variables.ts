// Finds the variables a block reads and writes: {{templates}}, JSONLogic {"var"} references,
// and the fields that name a variable. Built-in roots (`contact`, `last_message`) are always there.
import type { FlowNode } from '../schema/types.ts';

export const BUILTIN_VARIABLES: ReadonlySet<string> = new Set(['contact', 'last_message', 'now']);

const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_.]+)?\s*\}\}/g;

export function templateVariables(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => m[1] ?? '');
}

/** Roots of every {"var": "a.b"} in a JSONLogic rule. */
export function logicVariables(rule: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== 'object' || v === null) return;
    for (const [op, arg] of Object.entries(v)) {
      if (op === 'var') {
        const name = Array.isArray(arg) ? arg[0] : arg;
        if (typeof name === 'string' && name !== '') out.push(name.split('.')[0] ?? name);
      } else walk(arg);
    }
  };
  walk(rule);
  return out;
}

export interface VariableUse {
  field: string;
  name: string;
}

function fromValue(field: string, v: unknown, out: VariableUse[]): void {
  if (typeof v === 'string') for (const name of templateVariables(v)) out.push({ field, name });
  else if (Array.isArray(v)) v.forEach((x, i) => fromValue(`${field}[${i}]`, x, out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) fromValue(`${field}.${k}`, x, out);
}

export function variableUses(node: FlowNode): { reads: VariableUse[]; writes: VariableUse[] } {
  const reads: VariableUse[] = [];
  const writes: VariableUse[] = [];
  switch (node.type) {
    case 'say':
      if (node.message.kind === 'text') fromValue('message.text', node.message.text, reads);
      if (node.message.kind === 'media') {
        fromValue('message.url', node.message.url, reads);
        fromValue('message.caption', node.message.caption, reads);
      }
      break;
    case 'ask':
      fromValue('prompt', node.prompt, reads);
      fromValue('retryPrompt', node.retryPrompt, reads);
      writes.push({ field: 'saveAs', name: node.saveAs });
      break;
    case 'condition':
      node.branches.forEach((b, i) => logicVariables(b.when).forEach((name) => reads.push({ field: `branches[${i}].when`, name })));
      break;
    case 'set':
      node.assignments.forEach((a, i) => {
        writes.push({ field: `assignments[${i}].variable`, name: a.variable });
        fromValue(`assignments[${i}].value`, a.value, reads);
        logicVariables(a.expression).forEach((name) => reads.push({ field: `assignments[${i}].expression`, name }));
      });
      break;
    case 'subflow':
      fromValue('input', node.input, reads);
      for (const k of Object.keys(node.output ?? {})) writes.push({ field: `output.${k}`, name: k });
      break;
    case 'loop':
      reads.push({ field: 'list', name: node.list });
      writes.push({ field: 'itemVariable', name: node.itemVariable });
      if (node.indexVariable) writes.push({ field: 'indexVariable', name: node.indexVariable });
      break;
    case 'split':
      if (node.saveAs) writes.push({ field: 'saveAs', name: node.saveAs });
      break;
    case 'webhook':
      fromValue('payload', node.payload, reads);
      break;
    case 'http':
      fromValue('url', node.url, reads);
      fromValue('headers', node.headers, reads);
      fromValue('body', node.body, reads);
      (node.mappings ?? []).forEach((m, i) => writes.push({ field: `mappings[${i}].variable`, name: m.variable }));
      if (node.saveStatusAs) writes.push({ field: 'saveStatusAs', name: node.saveStatusAs });
      break;
    case 'handoff':
      fromValue('message', node.message, reads);
      fromValue('reason', node.reason, reads);
      break;
    case 'end':
      fromValue('message', node.message, reads);
      break;
    case 'jump':
    case 'delay':
    case 'return':
      break;
    default: {
      const never: never = node;
      throw new Error(`unknown block type ${JSON.stringify(never)}`);
    }
  }
  return { reads, writes };
}
