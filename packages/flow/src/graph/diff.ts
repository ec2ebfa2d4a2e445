// What changed between two flow configs, in the words the builder uses: blocks added, removed or
// changed (and which of their fields), triggers, variables, settings. Order-insensitive for blocks
// and variables (keyed by id/name), so moving a block on the canvas is not a change of logic;
// canvas positions (`ui`) are ignored.
import { canonicalEqual } from './canonical.ts';

export interface FlowDiff {
  nodes: { added: string[]; removed: string[]; changed: { id: string; fields: string[] }[] };
  triggers: { added: unknown[]; removed: unknown[] };
  variables: { added: string[]; removed: string[]; changed: string[] };
  /** Top-level keys other than nodes, triggers, variables and ui that differ (start, settings…). */
  other: string[];
  identical: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

function byKey(items: Obj[], key: string): Map<string, Obj> {
  return new Map(items.filter((i) => typeof i[key] === 'string').map((i) => [i[key] as string, i]));
}

function keyedDiff(a: Obj[], b: Obj[], key: string) {
  const before = byKey(a, key);
  const after = byKey(b, key);
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed: { id: string; fields: string[] }[] = [];
  for (const [k, next] of after) {
    const prev = before.get(k);
    if (!prev) continue;
    const fields = [...new Set([...Object.keys(prev), ...Object.keys(next)])]
      .filter((f) => f !== 'ui' && !canonicalEqual(prev[f], next[f]))
      .sort();
    if (fields.length) changed.push({ id: k, fields });
  }
  return { added, removed, changed };
}

export function diffFlows(from: unknown, to: unknown): FlowDiff {
  const a = isObj(from) ? from : {};
  const b = isObj(to) ? to : {};
  const nodes = keyedDiff(list(a.nodes), list(b.nodes), 'id');
  const vars = keyedDiff(list(a.variables), list(b.variables), 'name');
  const ta = Array.isArray(a.triggers) ? a.triggers : [];
  const tb = Array.isArray(b.triggers) ? b.triggers : [];
  const triggers = {
    added: tb.filter((t) => !ta.some((u) => canonicalEqual(t, u))),
    removed: ta.filter((t) => !tb.some((u) => canonicalEqual(t, u))),
  };
  const skip = new Set(['nodes', 'variables', 'triggers', 'ui']);
  const other = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => !skip.has(k) && !canonicalEqual(a[k], b[k]))
    .sort();
  const variables = {
    added: vars.added,
    removed: vars.removed,
    changed: vars.changed.map((c) => c.id),
  };
  const identical =
    !nodes.added.length &&
    !nodes.removed.length &&
    !nodes.changed.length &&
    !triggers.added.length &&
    !triggers.removed.length &&
    !variables.added.length &&
    !variables.removed.length &&
    !variables.changed.length &&
    !other.length;
  return { nodes, triggers, variables, other, identical };
}
