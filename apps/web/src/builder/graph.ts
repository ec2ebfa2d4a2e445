// Flow config ↔ canvas: the outputs (ports) of each block, reading and writing a field by its
// path (`branches[0].next`), new blocks with sensible defaults, and removing a block with every
// reference to it.
import { describeRule } from './rules.ts';

export type Json = Record<string, unknown>;
export interface FlowConfig extends Json {
  start: string;
  nodes: Json[];
  triggers: Json[];
  variables: { name: string; type?: string }[];
  ui?: { positions?: Record<string, { x: number; y: number }> } & Json;
}
export interface Port {
  field: string;
  label: string;
}

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

export function portsOf(node: Json): Port[] {
  switch (node.type) {
    case 'say':
    case 'set':
    case 'subflow':
    case 'delay':
    case 'webhook':
    case 'handoff':
      return [{ field: 'next', label: 'next' }];
    case 'ask': {
      const v = (node.validation ?? {}) as Json;
      const options = v.kind === 'choice' ? arr(v.options).map((o, i) => ({ field: `validation.options[${i}].next`, label: String(o.label ?? `option ${i + 1}`) })) : [];
      return [...options, { field: 'next', label: options.length ? 'any answer' : 'answer' }, { field: 'onInvalid', label: 'gave up' }, { field: 'onTimeout', label: 'no reply' }];
    }
    case 'condition':
      return [...arr(node.branches).map((b, i) => ({ field: `branches[${i}].next`, label: String(b.label ?? `rule ${i + 1}`) })), { field: 'else', label: 'else' }];
    case 'split':
      return arr(node.branches).map((b, i) => ({ field: `branches[${i}].next`, label: String(b.label ?? `${String(b.weight ?? '')}%`) }));
    case 'jump':
      return [{ field: 'target', label: 'go to' }];
    case 'loop':
      return [{ field: 'body', label: 'each item' }, { field: 'next', label: 'done' }];
    case 'http':
      return [{ field: 'next', label: 'success' }, { field: 'onFailure', label: 'failure' }, { field: 'onTimeout', label: 'timeout' }];
    default:
      return [];
  }
}

function tokens(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] ?? '')));
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const t of tokens(path)) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[t] : undefined;
  return cur;
}

/** A copy of `obj` with `path` set (undefined removes the key). */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const ts = tokens(path);
  const go = (cur: unknown, i: number): unknown => {
    const t = ts[i] as string | number;
    const base = (Array.isArray(cur) ? [...(cur as unknown[])] : { ...((cur as Json | undefined) ?? {}) }) as Record<string | number, unknown>;
    if (i === ts.length - 1) {
      if (value === undefined && !Array.isArray(base)) delete base[t];
      else base[t] = value;
    } else base[t] = go(base[t], i + 1);
    return base;
  };
  return go(obj, 0) as T;
}

export const BLOCK_DEFAULTS: Record<string, (id: string) => Json> = {
  say: (id) => ({ id, type: 'say', message: { kind: 'text', text: 'Hello!' } }),
  ask: (id) => ({ id, type: 'ask', prompt: 'What is your name?', saveAs: 'answer', validation: { kind: 'text' } }),
  condition: (id) => ({ id, type: 'condition', branches: [{ label: 'Rule 1', when: { '==': [{ var: 'answer' }, 'yes'] }, next: '' }] }),
  set: (id) => ({ id, type: 'set', assignments: [{ variable: 'answer', value: '' }] }),
  jump: (id) => ({ id, type: 'jump', target: '' }),
  subflow: (id) => ({ id, type: 'subflow', flowId: '' }),
  return: (id) => ({ id, type: 'return' }),
  loop: (id) => ({ id, type: 'loop', list: 'items', itemVariable: 'item', body: '' }),
  delay: (id) => ({ id, type: 'delay', seconds: 5 }),
  split: (id) => ({ id, type: 'split', branches: [{ label: 'A', weight: 50, next: '' }, { label: 'B', weight: 50, next: '' }] }),
  webhook: (id) => ({ id, type: 'webhook', event: 'lead.created', payload: {} }),
  http: (id) => ({ id, type: 'http', method: 'GET', url: 'https://example.com/api' }),
  handoff: (id) => ({ id, type: 'handoff', message: 'A colleague will answer you shortly.' }),
  end: (id) => ({ id, type: 'end', message: 'Thank you!' }),
};

export function newId(config: FlowConfig, type: string): string {
  const taken = new Set(config.nodes.map((n) => String(n.id)));
  for (let i = 1; ; i++) if (!taken.has(`${type}_${i}`)) return `${type}_${i}`;
}

/** Removes a block, the positions it had, and every field that pointed at it. */
export function removeNode(config: FlowConfig, id: string): FlowConfig {
  let nodes = config.nodes.filter((n) => n.id !== id);
  nodes = nodes.map((n) => {
    let out = n;
    for (const p of portsOf(n)) if (getPath(n, p.field) === id) out = setPath(out, p.field, p.field.endsWith('].next') ? '' : undefined);
    return out;
  });
  const positions = { ...(config.ui?.positions ?? {}) };
  delete positions[id];
  return { ...config, nodes, start: config.start === id ? (nodes[0]?.id as string | undefined) ?? '' : config.start, ui: { ...config.ui, positions } };
}

/** One line that says what a block does, for the canvas. */
export function summary(node: Json): string {
  const msg = node.message as Json | string | undefined;
  switch (node.type) {
    case 'say':
      return typeof msg === 'object' && msg ? String(msg.text ?? msg.caption ?? msg.kind ?? '') : '';
    case 'ask':
      return String(node.prompt ?? '');
    case 'end':
      return typeof msg === 'string' ? msg : '';
    case 'handoff':
      return typeof msg === 'string' && msg ? msg : String(node.reason ?? '');
    case 'set':
      return arr(node.assignments).map((a) => `${String(a.variable ?? '')} = ${JSON.stringify(a.value ?? a.expression ?? '')}`).join(', ');
    case 'http':
      return `${String(node.method ?? '')} ${String(node.url ?? '')}`;
    case 'webhook':
      return String(node.event ?? '');
    case 'delay':
      return `${String(node.seconds ?? '')} s`;
    case 'condition':
      return arr(node.branches).map((b) => describeRule(b.when)).filter(Boolean).join('; ');
    case 'jump':
      return node.target ? `Go to ${String(node.target)}` : '';
    case 'loop':
      return node.list ? `Each of ${String(node.list)}${node.itemVariable ? ` as ${String(node.itemVariable)}` : ''}` : '';
    case 'split': {
      const weights = arr(node.branches).map((b) => (typeof b.weight === 'number' && b.weight > 0 ? b.weight : 0));
      const total = weights.reduce((a, b) => a + b, 0);
      return total ? weights.map((w) => `${Math.round((w / total) * 100)}%`).join(' · ') : '';
    }
    case 'return':
      return 'Back to the calling flow';
    default:
      return '';
  }
}

const VARIABLE_FIELDS = new Set(['saveAs', 'itemVariable', 'indexVariable', 'variable', 'saveStatusAs']);

/** The variables blocks save into (an answer, a loop item, an assignment…), with a type guess. */
export function variablesSavedByBlocks(config: FlowConfig): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, node: Json) => {
    if (Array.isArray(v)) for (const x of v) walk(x, node);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Json)) {
        if (VARIABLE_FIELDS.has(k) && typeof x === 'string' && /^[A-Za-z_]\w{0,63}$/.test(x)) {
          const kind = node.type === 'ask' ? String(((node.validation ?? {}) as Json).kind) : '';
          out.set(x, kind === 'number' ? 'number' : k === 'itemVariable' ? 'object' : 'string');
        } else walk(x, node);
      }
    }
  };
  for (const n of config.nodes) walk(n, n);
  return out;
}

/**
 * The declared variables: the ones the admin declared (`kept`), plus every variable a block
 * saves into. A non-coder who types "email" as where to save an answer has declared it.
 */
export function withDeclaredVariables(config: FlowConfig, kept: Set<string>): FlowConfig {
  const saved = variablesSavedByBlocks(config);
  const declared = config.variables.filter((v) => kept.has(v.name) || saved.has(v.name));
  for (const [name, type] of saved) if (!declared.some((v) => v.name === name)) declared.push({ name, type });
  return { ...config, variables: declared };
}
