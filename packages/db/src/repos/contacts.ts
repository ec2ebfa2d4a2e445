// Contacts the team writes (an import, the integrator API, the contacts page): upserts by
// WhatsApp id within the workspace, and the declared tags.
import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import * as schema from '../schema/index.ts';
import { executeRows, statement } from '../sql-rows.ts';

export interface ImportedContact {
  waId: string;
  phone: string;
  /** null keeps the contact's name. */
  name: string | null;
  /** Added to the contact's tags. */
  tags: string[];
  /** Merged into the contact's attributes (typed already). */
  attributes: Record<string, string | number | boolean>;
  /** Opts the contact out (never back in: only the contact can, with a start keyword). */
  optedOut: boolean;
}

const upsert = statement<{ ws: string; rows: string; reason: string }>(sql`
  insert into ${schema.contacts} as ct (workspace_id, wa_id, phone, name, tags, attributes, opted_out_at, opted_out_reason, created_at)
  select ${sql.placeholder('ws')}::uuid, r.wa_id, r.phone, r.name,
    array(select distinct t from jsonb_array_elements_text(r.tags) t order by t), r.attributes,
    case when r.opted_out then now() end, case when r.opted_out then ${sql.placeholder('reason')}::text end, now()
  from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb)
    as r(wa_id text, phone text, name text, tags jsonb, attributes jsonb, opted_out boolean)
  on conflict (workspace_id, wa_id) do update set
    phone = excluded.phone,
    name = coalesce(excluded.name, ct.name),
    tags = array(select distinct t from unnest(ct.tags || excluded.tags) t order by t),
    attributes = ct.attributes || excluded.attributes,
    opted_out_at = coalesce(ct.opted_out_at, excluded.opted_out_at),
    opted_out_reason = case when ct.opted_out_at is null then excluded.opted_out_reason else ct.opted_out_reason end
  returning (xmax = 0) as created`);

/**
 * Writes contacts in one statement (each row whole or not at all): new ones are created, known
 * ones (same WhatsApp id) updated — name when given, tags added, attributes merged, an opt-out
 * kept. A contact twice in `rows` is merged first, the later row winning. Answers the counts.
 */
export async function upsertContactRows(
  db: Database,
  workspaceId: string,
  rows: readonly ImportedContact[],
  reason: string,
): Promise<{ created: number; updated: number }> {
  if (rows.length === 0) return { created: 0, updated: 0 };
  const merged = new Map<string, ImportedContact>();
  for (const r of rows) {
    const prior = merged.get(r.waId);
    merged.set(
      r.waId,
      prior
        ? {
            ...r,
            name: r.name ?? prior.name,
            tags: [...new Set([...prior.tags, ...r.tags])],
            attributes: { ...prior.attributes, ...r.attributes },
            optedOut: prior.optedOut || r.optedOut,
          }
        : r,
    );
  }
  const out = await upsert.rows<{ created: boolean }>(db, {
    ws: workspaceId,
    reason,
    rows: JSON.stringify(
      [...merged.values()].map((r) => ({
        wa_id: r.waId,
        phone: r.phone,
        name: r.name,
        tags: r.tags,
        attributes: r.attributes,
        opted_out: r.optedOut,
      })),
    ),
  });
  const created = out.filter((r) => r.created).length;
  return { created, updated: out.length - created };
}

/** The workspace's declared tags. */
export async function declaredTags(db: Database, workspaceId: string): Promise<Set<string>> {
  const rows = await executeRows<{ name: string }>(
    db,
    sql`select name from ${schema.contactTags} where workspace_id = ${workspaceId}`,
  );
  return new Set(rows.map((r) => r.name));
}
