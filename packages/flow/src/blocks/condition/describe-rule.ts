// A condition's rule as a non-coder sees it: "variable · operator · value". The JSONLogic
// underneath ({"==": [{"var": "x"}, 1]}, {"in": ["@", {"var": "email"}]}) is read and written here
// only, by the builder's rule editor and by the canvas's one-line summary of a condition.
import type { Draft as Json } from '../block-meta.ts';

export const RULE_OPERATORS: [op: string, words: string][] = [
  ['==', 'is'],
  ['!=', 'is not'],
  ['>', 'is more than'],
  ['<', 'is less than'],
  ['in', 'contains'],
];

export interface SimpleRule {
  op: string;
  variable: string;
  operand: unknown;
}

/** The rule's parts; `in` keeps its operand first (`"@" in email`: email contains "@"). */
export function parseRule(rule: Json): SimpleRule {
  const op = Object.keys(rule)[0] ?? '==';
  const args = Array.isArray(rule[op]) ? (rule[op] as unknown[]) : [];
  const isIn = op === 'in';
  const varArg = (isIn ? args[1] : args[0]) as { var?: unknown } | undefined;
  return {
    op,
    variable: typeof varArg?.var === 'string' ? varArg.var : '',
    operand: (isIn ? args[0] : args[1]) ?? '',
  };
}

/** The JSONLogic of a rule typed in the editor: a value that reads as a number is compared as one. */
export function buildRule(op: string, variable: string, operand: string): Json {
  const typed: unknown =
    operand !== '' && !Number.isNaN(Number(operand)) && op !== 'in' ? Number(operand) : operand;
  return op === 'in' ? { in: [typed, { var: variable }] } : { [op]: [{ var: variable }, typed] };
}

/** "email contains @", or '' when the rule is not one the editor makes (or not filled in yet). */
export function describeRule(rule: unknown): string {
  if (!rule || typeof rule !== 'object' || Array.isArray(rule)) return '';
  const { op, variable, operand } = parseRule(rule as Json);
  const words = RULE_OPERATORS.find(([o]) => o === op)?.[1];
  if (!words || !variable) return '';
  return `${variable} ${words} ${typeof operand === 'string' ? operand : JSON.stringify(operand)}`;
}
