// Text Postgres cannot store, refused at the edge with the field that holds it: a NUL character
// (text and jsonb refuse it), a lone UTF-16 surrogate (jsonb refuses it; text would silently turn
// it into U+FFFD), and JSON nested deeper than anything waflow stores (Postgres would run out of
// stack parsing it). Every JSON body and query string passes through here (route.ts).
import { AppError } from '../errors.ts';

/** Deeper than any flow config, variable set or webhook payload waflow keeps. */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a string, in words, or undefined when it can be stored. */
export function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000): remove it';
  if (LONE_SURROGATE.test(s))
    return 'contains a lone UTF-16 surrogate (half of an emoji or other character): send the whole character, or remove it';
  return undefined;
}

const where = (path: (string | number)[]) => (path.length > 0 ? path.join('.') : 'body');

function refuse(path: (string | number)[], problem: string): never {
  const field = where(path);
  throw new AppError(400, 'INVALID_TEXT', `${field} ${problem}.`, [{ field, message: problem }]);
}

/** Throws a 400 naming the first field of `value` Postgres could not store. */
export function checkJsonValue(value: unknown, path: (string | number)[] = []): void {
  if (path.length > MAX_JSON_DEPTH)
    throw new AppError(
      400,
      'JSON_TOO_DEEP',
      `The body is nested more than ${MAX_JSON_DEPTH} levels deep (at ${where(path.slice(0, 5))}…): flatten it.`,
    );
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) refuse(path, problem);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJsonValue(v, [...path, i]));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const problem = textProblem(k);
      if (problem) refuse(path, `has a key that ${problem}`);
      checkJsonValue(v, [...path, k]);
    }
  }
}

/** The same for a query string's parameters (one level, names and values). */
export function checkQuery(query: Record<string, string>): void {
  for (const [k, v] of Object.entries(query)) {
    const problem = textProblem(k) ?? textProblem(v);
    if (problem) refuse([k], problem);
  }
}
