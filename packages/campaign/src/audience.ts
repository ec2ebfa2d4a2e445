// Who a campaign is for, as data: every contact, a list of contacts, or a segment of conditions on
// tags and attributes. The database turns a parsed audience into one query; the web app reads it
// back in words (describeAudience).

export type AttributeOp = 'eq' | 'neq' | 'contains' | 'gt' | 'lt' | 'exists';

export type Condition =
  | { type: 'tag'; tag: string; has: boolean }
  | { type: 'attribute'; key: string; op: AttributeOp; value?: string | number | boolean };

export type Audience =
  | { kind: 'all' }
  | { kind: 'contacts'; contactIds: string[] }
  | { kind: 'segment'; match: 'all' | 'any'; conditions: Condition[] };

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const OPS: readonly AttributeOp[] = ['eq', 'neq', 'contains', 'gt', 'lt', 'exists'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^[a-z][a-z0-9_]{0,63}$/i;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseCondition(raw: unknown, at: string, problems: string[]): Condition | undefined {
  if (!isRecord(raw)) return void problems.push(`${at} must be a condition object`);
  if (raw.type === 'tag') {
    if (typeof raw.tag !== 'string' || raw.tag.trim() === '')
      return void problems.push(`${at}: name the tag`);
    return { type: 'tag', tag: raw.tag.trim(), has: raw.has !== false };
  }
  if (raw.type === 'attribute') {
    if (typeof raw.key !== 'string' || !KEY.test(raw.key))
      return void problems.push(`${at}: the attribute key is letters, digits and _ (like city)`);
    const op = OPS.find((o) => o === raw.op);
    if (!op) return void problems.push(`${at}: the comparison is one of ${OPS.join(', ')}`);
    if (op === 'exists') return { type: 'attribute', key: raw.key, op };
    const v = raw.value;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      return void problems.push(`${at}: give a value to compare ${raw.key} with`);
    if (
      (op === 'gt' || op === 'lt') &&
      typeof v !== 'number' &&
      Number.isNaN(Date.parse(String(v)))
    )
      return void problems.push(`${at}: "more than" and "less than" compare numbers or dates`);
    return { type: 'attribute', key: raw.key, op, value: v };
  }
  return void problems.push(`${at}: a condition is on a tag or on an attribute`);
}

export function parseAudience(raw: unknown): Parsed<Audience> {
  const problems: string[] = [];
  if (!isRecord(raw)) return { ok: false, problems: ['audience must be an object with a kind'] };
  if (raw.kind === 'all') return { ok: true, value: { kind: 'all' } };
  if (raw.kind === 'contacts') {
    const ids = Array.isArray(raw.contactIds) ? raw.contactIds : [];
    if (ids.length === 0 || !ids.every((i) => typeof i === 'string' && UUID.test(i)))
      return { ok: false, problems: ['audience.contactIds lists the contacts (their ids)'] };
    return { ok: true, value: { kind: 'contacts', contactIds: [...new Set(ids as string[])] } };
  }
  if (raw.kind === 'segment') {
    const list = Array.isArray(raw.conditions) ? raw.conditions : [];
    if (list.length === 0)
      return {
        ok: false,
        problems: ['audience.conditions: add at least one tag or attribute condition'],
      };
    const conditions = list
      .map((c, i) => parseCondition(c, `audience.conditions[${i}]`, problems))
      .filter((c): c is Condition => c !== undefined);
    if (problems.length > 0) return { ok: false, problems };
    return {
      ok: true,
      value: { kind: 'segment', match: raw.match === 'any' ? 'any' : 'all', conditions },
    };
  }
  return { ok: false, problems: ['audience.kind is all, contacts or segment'] };
}

const OP_WORDS: Record<AttributeOp, string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  gt: 'is more than',
  lt: 'is less than',
  exists: 'is set',
};

export function describeCondition(c: Condition): string {
  if (c.type === 'tag') return c.has ? `tagged "${c.tag}"` : `not tagged "${c.tag}"`;
  return c.op === 'exists'
    ? `${c.key} is set`
    : `${c.key} ${OP_WORDS[c.op]} ${JSON.stringify(c.value)}`;
}

/** The audience in words, e.g. `contacts tagged "vip" and city is "Madrid"`. */
export function describeAudience(a: Audience): string {
  switch (a.kind) {
    case 'all':
      return 'every contact';
    case 'contacts':
      return `${a.contactIds.length} chosen contact${a.contactIds.length === 1 ? '' : 's'}`;
    case 'segment':
      return `contacts ${a.conditions.map(describeCondition).join(a.match === 'all' ? ' and ' : ' or ')}`;
  }
}
