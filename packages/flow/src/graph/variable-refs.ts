// How a block names variables: {{templates}}, JSONLogic {"var"} references, and fields that hold a
// variable's name. Built-in roots (`contact`, `last_message`, `now`, `http_error`) are always there.

/** Why the last http block of the conversation failed, in words; absent once one succeeds. */
export const HTTP_ERROR = 'http_error';

export const BUILTIN_VARIABLES: ReadonlySet<string> = new Set([
  'contact',
  'last_message',
  'now',
  HTTP_ERROR,
]);

const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_.]+)?\s*\}\}/g;

export interface VariableUse {
  field: string;
  name: string;
}

export type VariableUses = { reads: VariableUse[]; writes: VariableUse[] };

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

/** The variables of every {{template}} in a value (text, or text nested in lists and objects). */
export function fromValue(field: string, v: unknown, out: VariableUse[]): void {
  if (typeof v === 'string') for (const name of templateVariables(v)) out.push({ field, name });
  else if (Array.isArray(v)) v.forEach((x, i) => fromValue(`${field}[${i}]`, x, out));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) fromValue(`${field}.${k}`, x, out);
}

/** Reads of templated fields: `[['message', node.message], …]`. */
export function templateReads(fields: [field: string, value: unknown][]): VariableUses {
  const reads: VariableUse[] = [];
  for (const [field, value] of fields) fromValue(field, value, reads);
  return { reads, writes: [] };
}
