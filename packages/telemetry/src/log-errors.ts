// What a log line may say about a failed query. The driver's error and drizzle's wrapper carry
// the statement's parameters, the query text, and a message and detail that quote values
// (phone numbers, names, message text, key hashes, secret ciphertexts): a log line keeps the
// Postgres code, what it means, the statement (its verb and table) and schema names only.
import pino from 'pino';

export interface QueryErrorSummary {
  type: string;
  /** The SQLSTATE, e.g. 23505. */
  code: string;
  /** The code's class in words, e.g. "integrity constraint violation". */
  description: string;
  /** The statement's verb and first table, e.g. "insert into contacts". */
  statement?: string;
  table?: string;
  column?: string;
  constraint?: string;
  /** Stack frames only: an error's first line is its message. */
  stack?: string;
}

// https://www.postgresql.org/docs/current/errcodes-appendix.html (the classes met in practice).
const CLASSES: Record<string, string> = {
  '08': 'connection exception',
  '22': 'data exception (a value the column type refuses)',
  '23': 'integrity constraint violation',
  '25': 'invalid transaction state',
  '40': 'transaction rollback (serialization failure or deadlock)',
  '42': 'syntax error or access rule violation',
  '53': 'insufficient resources',
  '54': 'program limit exceeded',
  '55': 'object not in prerequisite state',
  '57': 'operator intervention (statement cancelled or server shutting down)',
  '58': 'system error',
  P0: 'raised by a database function',
  WF: 'raised by a waflow database function',
  XX: 'internal error',
};

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** postgres.js's PostgresError and PGlite's DatabaseError: a SQLSTATE and a severity. */
function isDriverError(e: Fields): boolean {
  return (
    typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string'
  );
}

/** drizzle's DrizzleQueryError: `Failed query: <sql>\nparams: <values>` around the driver's error. */
function isQueryWrapper(e: Fields): boolean {
  return typeof e.query === 'string' && 'params' in e;
}

/** The verb and the first table named after into/update/from; identifiers only, never literals. */
export function statementName(query: string): string | undefined {
  const verb = /^\s*([a-z]{2,12})\b/i.exec(query)?.[1]?.toLowerCase();
  if (!verb) return undefined;
  const target =
    /\b(into|update|from)\s+"?([A-Za-z_][\w]*)"?(?:\s*\.\s*"?([A-Za-z_][\w]*)"?)?/i.exec(query);
  if (!target) return verb;
  const table = target[3] ?? target[2];
  const prep = (target[1] ?? '').toLowerCase();
  return verb === 'select' || verb === 'with'
    ? `${verb} from ${table}`
    : prep === 'update'
      ? `update ${table}`
      : `${verb} ${prep} ${table}`;
}

function framesOnly(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  return frames.length > 0 ? frames.join('\n') : undefined;
}

/** The summary of a failed query when `err` is one (or was caused by one); undefined otherwise. */
export function queryErrorSummary(err: unknown): QueryErrorSummary | undefined {
  let query: string | undefined;
  let driver: Fields | undefined;
  let sawWrapper = false;
  for (let e: unknown = err, depth = 0; isObject(e) && depth < 8; e = e.cause, depth++) {
    if (isQueryWrapper(e)) {
      sawWrapper = true;
      query ??= str(e.query);
    }
    if (isDriverError(e)) {
      driver = e;
      break;
    }
  }
  if (!driver && !sawWrapper) return undefined;
  const code = str(driver?.code) ?? 'unknown';
  const outer = err instanceof Error ? err : undefined;
  const summary: QueryErrorSummary = {
    type: outer?.name && outer.name !== 'Error' ? outer.name : (outer?.constructor.name ?? 'Error'),
    code,
    description: CLASSES[code.slice(0, 2)] ?? 'database error',
  };
  const statement = query ? statementName(query) : undefined;
  if (statement) summary.statement = statement;
  const table = str(driver?.table_name) ?? str(driver?.table);
  const column = str(driver?.column_name) ?? str(driver?.column);
  const constraint = str(driver?.constraint_name) ?? str(driver?.constraint);
  if (table) summary.table = table;
  if (column) summary.column = column;
  if (constraint) summary.constraint = constraint;
  const stack = framesOnly(outer?.stack);
  if (stack) summary.stack = stack;
  return summary;
}

/** pino's `err` serializer: a failed query as its summary, any other error as pino writes it. */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  return queryErrorSummary(err) ?? pino.stdSerializers.err(err);
}

/** What to hand a logger as `err`: the summary of a failed query, any other error as it is. */
export function loggableError(err: unknown): unknown {
  return queryErrorSummary(err) ?? err;
}
