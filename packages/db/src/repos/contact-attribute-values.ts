// A contact attribute's value in its declared type — what the contacts page, an import, the
// integrator API and a flow's "save to contact" write — or why it is not one.
import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import * as schema from '../schema/index.ts';
import { executeRows } from '../sql-rows.ts';

export type AttributeType = (typeof schema.contactAttributeTypeEnum.enumValues)[number];

export type Coerced =
  { ok: true; value: string | number | boolean | null } | { ok: false; error: string };

const TRUE = new Set(['true', 'yes', 'y', '1', 'si', 'sí', 'sim', 'x']);
const FALSE = new Set(['false', 'no', 'n', '0', 'não', 'nao', '']);

/** An ISO date (`2026-12-04`), or the date of an ISO time; undefined when it is none. */
function isoDate(s: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const iso = d.toISOString().slice(0, 10);
  return iso === `${m[1]}-${m[2]}-${m[3]}` ? iso : undefined;
}

/**
 * `raw` as a value of `type`: text as it is; a number from a number or its digits (`1.5`, `-3`);
 * a date as YYYY-MM-DD; a boolean from true/false, yes/no, 1/0. Empty or null clears the value.
 */
export function coerceAttribute(type: AttributeType, raw: unknown): Coerced {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === ''))
    return { ok: true, value: null };
  const s = typeof raw === 'string' ? raw.trim() : raw;
  switch (type) {
    case 'text':
      return typeof s === 'object'
        ? { ok: true, value: Array.isArray(s) ? s.join(', ') : JSON.stringify(s) }
        : { ok: true, value: String(s) };
    case 'number': {
      const n =
        typeof s === 'number'
          ? s
          : typeof s === 'string' && /^-?\d+(\.\d+)?$/.test(s)
            ? Number(s)
            : NaN;
      return Number.isFinite(n)
        ? { ok: true, value: n }
        : { ok: false, error: `"${String(s)}" is not a number (write it like 42 or 3.5)` };
    }
    case 'date': {
      const d = typeof s === 'string' ? isoDate(s) : undefined;
      return d
        ? { ok: true, value: d }
        : {
            ok: false,
            error: `"${String(s)}" is not a date (write it as YYYY-MM-DD, e.g. 2026-12-04)`,
          };
    }
    case 'boolean': {
      if (typeof s === 'boolean') return { ok: true, value: s };
      const w = String(s).toLowerCase();
      if (TRUE.has(w)) return { ok: true, value: true };
      if (FALSE.has(w)) return { ok: true, value: false };
      return { ok: false, error: `"${String(s)}" is not yes or no (write true or false)` };
    }
  }
}

/** The workspace's declared attributes: key → type. */
export async function attributeTypes(
  db: Database,
  workspaceId: string,
): Promise<Map<string, AttributeType>> {
  const rows = await executeRows<{ key: string; type: AttributeType }>(
    db,
    sql`select key, type from ${schema.contactAttributes} where workspace_id = ${workspaceId}`,
  );
  return new Map(rows.map((r) => [r.key, r.type]));
}
