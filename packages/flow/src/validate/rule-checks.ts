// Checks blocks share for what they hold: JSONLogic rules with known operations only, regular
// expressions that compile, simple JSONPath forms.

/** JSONLogic operations a rule may use (json-logic-js's set, less `log`, which does I/O). */
const LOGIC_OPS = new Set([
  '==',
  '===',
  '!=',
  '!==',
  '>',
  '>=',
  '<',
  '<=',
  '!',
  '!!',
  'and',
  'or',
  'if',
  '?:',
  'in',
  'cat',
  'substr',
  '+',
  '-',
  '*',
  '/',
  '%',
  'min',
  'max',
  'merge',
  'var',
  'missing',
  'missing_some',
  'all',
  'none',
  'some',
  'map',
  'reduce',
  'filter',
]);

/** The first operation of a rule that is not a known one, if any. */
export function unknownLogicOp(rule: unknown): string | undefined {
  if (Array.isArray(rule)) {
    for (const r of rule) {
      const bad = unknownLogicOp(r);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof rule !== 'object' || rule === null) return undefined;
  const keys = Object.keys(rule);
  if (keys.length !== 1) return keys.length === 0 ? undefined : `{${keys.join(', ')}}`;
  const op = keys[0] ?? '';
  if (!LOGIC_OPS.has(op)) return op;
  return unknownLogicOp((rule as Record<string, unknown>)[op]);
}

/** Why a pattern does not compile, or undefined when it does. */
export function regexError(pattern: string, flags?: string): string | undefined {
  try {
    new RegExp(pattern, flags);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Simple JSONPath forms: $.a.b[0]["c d"] (no filters or scripts). */
export const JSON_PATH = /^\$(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\[(?:'[^']*'|"[^"]*")\]|\.\*|\[\*\])*$/;
