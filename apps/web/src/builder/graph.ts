// Flow config ↔ canvas: the outputs (ports) of each block, reading and writing a field by its
// path (`branches[0].next`), new blocks with sensible defaults, and removing a block with every
// reference to it. What each block type has (its ports, defaults, summary) is its meta's, in
// @waflow/flow (src/blocks/<type>/<type>.meta.ts).
import { getPath, metaOf, metas, setPath, type Draft, type Port } from '@waflow/flow/metas';

export { getPath, setPath, type Port };

export type Json = Draft;
export interface FlowConfig extends Json {
  start: string;
  nodes: Json[];
  triggers: Json[];
  variables: { name: string; type?: string }[];
  ui?: { positions?: Record<string, { x: number; y: number }> } & Json;
}

/** A block's outputs, as its type's meta declares them (none for an unknown type). */
export function portsOf(node: Json): Port[] {
  return metaOf(node.type)?.ports(node) ?? [];
}

/** New blocks with sensible defaults, by type (from each block's meta). */
export const BLOCK_DEFAULTS: Record<string, (id: string) => Json> = Object.fromEntries(
  Object.values(metas).map((m) => [m.type, m.defaults]),
);

export function newId(config: FlowConfig, type: string): string {
  const taken = new Set(config.nodes.map((n) => String(n.id)));
  for (let i = 1; ; i++) if (!taken.has(`${type}_${i}`)) return `${type}_${i}`;
}

/** Removes a block, the positions it had, and every field that pointed at it. */
export function removeNode(config: FlowConfig, id: string): FlowConfig {
  let nodes = config.nodes.filter((n) => n.id !== id);
  nodes = nodes.map((n) => {
    let out = n;
    for (const p of portsOf(n))
      if (getPath(n, p.field) === id)
        out = setPath(out, p.field, p.field.endsWith('].next') ? '' : undefined);
    return out;
  });
  const positions = { ...(config.ui?.positions ?? {}) };
  delete positions[id];
  return {
    ...config,
    nodes,
    start: config.start === id ? ((nodes[0]?.id as string | undefined) ?? '') : config.start,
    ui: { ...config.ui, positions },
  };
}

/** One line that says what a block does, for the canvas. */
export function summary(node: Json): string {
  return metaOf(node.type)?.summary(node) ?? '';
}

const VARIABLE_FIELDS = new Set([
  'saveAs',
  'itemVariable',
  'indexVariable',
  'variable',
  'saveStatusAs',
]);

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
  for (const [name, type] of saved)
    if (!declared.some((v) => v.name === name)) declared.push({ name, type });
  return { ...config, variables: declared };
}
