// POST …/contacts/import: a CSV (uploaded or pasted) streamed in, never held whole: records are
// read as the body arrives, checked (import-row.ts) and written a thousand at a time, each row
// whole or not at all. Every refused row is answered with its line and reason; the good rows are
// imported. The columns' targets come from `columns` (the web app's mapping step), else from the
// header's names.
import { attributeTypes, declaredTags, upsertContactRows, type ImportedContact } from '@waflow/db';
import { z } from 'zod/v4';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { defaultLimits } from '../../limits.ts';
import { type RouteFn } from '../../routing/route.ts';
import { CsvError, csvRecords } from './csv-records.ts';
import { checkRow, RESERVED_TARGETS, type ImportContext } from './import-row.ts';

/** Rows written per statement. */
const BATCH = 1_000;
/** Refused rows listed in the answer (all are counted). */
export const MAX_REPORTED_ERRORS = 1_000;
export const IMPORT_PATH = '/api/v1/workspaces/:ws/contacts/import';

const importQuery = z.object({
  columns: z
    .string()
    .max(4_000)
    .optional()
    .describe(
      'The target of each column, in order, comma-separated: phone, name, tags, opted_out, an attribute key, or nothing to skip it (e.g. "phone,name,,city"). Unset: the header names say.',
    ),
});

export interface ImportAnswer {
  created: number;
  updated: number;
  failed: number;
  errors: { line: number; reason: string }[];
}

async function* decoded(body: ReadableStream<Uint8Array>, maxBytes: number) {
  const decoder = new TextDecoder('utf-8');
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    size += chunk.byteLength;
    if (size > maxBytes)
      throw new AppError(
        413,
        'BODY_TOO_LARGE',
        `The file is larger than ${Math.round(maxBytes / 1_048_576)} MB (WAFLOW_MAX_IMPORT_MB): split it.`,
      );
    yield decoder.decode(chunk, { stream: true });
  }
  yield decoder.decode();
}

function targetsOf(
  header: readonly string[],
  columns: string | undefined,
  attributes: ReadonlyMap<string, unknown>,
): string[] {
  const reserved: readonly string[] = RESERVED_TARGETS;
  const targets =
    columns === undefined
      ? header.map((h) => {
          const t = h.trim().toLowerCase();
          return reserved.includes(t) || attributes.has(t) ? t : '';
        })
      : // One target per header cell: a column the mapping leaves out is skipped.
        header.map((_, i) => columns.split(',')[i]?.trim() ?? '');
  const unknown = targets.find((t) => t !== '' && !reserved.includes(t) && !attributes.has(t));
  if (unknown !== undefined)
    throw new AppError(
      400,
      'UNKNOWN_COLUMN_TARGET',
      `"${unknown}" is not phone, name, tags, opted_out or a contact attribute: map the column to one of them, or skip it.`,
    );
  const seen = new Set<string>();
  for (const t of targets.filter((t) => t !== '')) {
    if (seen.has(t))
      throw new AppError(
        400,
        'DUPLICATE_COLUMN_TARGET',
        `Two columns are mapped to "${t}": map one.`,
      );
    seen.add(t);
  }
  if (!seen.has('phone'))
    throw new AppError(
      400,
      'NO_PHONE_COLUMN',
      'No column is mapped to phone: every contact needs one.',
    );
  return targets;
}

export async function importContacts(
  deps: Deps,
  workspaceId: string,
  body: ReadableStream<Uint8Array>,
  columns: string | undefined,
  maxBytes: number,
): Promise<ImportAnswer> {
  const [tags, attributes] = await Promise.all([
    declaredTags(deps.client.db, workspaceId),
    attributeTypes(deps.client.db, workspaceId),
  ]);
  const answer: ImportAnswer = { created: 0, updated: 0, failed: 0, errors: [] };
  const refuse = (line: number, reason: string) => {
    answer.failed++;
    if (answer.errors.length < MAX_REPORTED_ERRORS) answer.errors.push({ line, reason });
  };
  let ctx: ImportContext | undefined;
  let batch: ImportedContact[] = [];
  const lineOf = new Map<string, number>();
  const flush = async () => {
    const n = await upsertContactRows(deps.client.db, workspaceId, batch, 'imported as opted out');
    answer.created += n.created;
    answer.updated += n.updated;
    batch = [];
  };
  try {
    for await (const record of csvRecords(decoded(body, maxBytes))) {
      if (!ctx) {
        ctx = { columns: targetsOf(record.cells, columns, attributes), tags, attributes };
        continue;
      }
      const r = checkRow(record.cells, ctx);
      if (!r.ok) refuse(record.line, r.reason);
      else {
        // A phone the file already had: refused with where it was first, so the admin picks one
        // (the first is imported). Kept per file: a phone of ~16 characters per good row, far
        // less than the rows themselves (100,000 rows ≈ 8 MB).
        const first = lineOf.get(r.contact.waId);
        if (first !== undefined)
          refuse(record.line, `${r.contact.phone} is already on line ${first} of this file`);
        else {
          lineOf.set(r.contact.waId, record.line);
          batch.push(r.contact);
        }
      }
      if (batch.length >= BATCH) await flush();
    }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    // The rows read so far are kept; the rest of the file cannot be read.
    refuse(err.line, `${err.message}; the rows after it were not read`);
  }
  if (!ctx)
    throw new AppError(400, 'EMPTY_CSV', 'The file is empty: it needs a header line and rows.');
  await flush();
  return answer;
}

export function registerImportContacts(route: RouteFn, deps: Deps): void {
  route({
    method: 'post',
    path: IMPORT_PATH,
    access: 'contacts.import',
    tag: 'Contacts',
    summary: 'Import contacts from a CSV (text/csv body, first line the header), streamed',
    description:
      'Each row is written whole or not at all; known phones are updated (name when given, tags added, attributes merged). ' +
      'Answers the counts and every refused row with its line and reason (the first 1,000 listed): no phone, a bad phone, an unknown tag, a value of the wrong type, more cells than the header. ' +
      'Errors: 400 when the mapping names an unknown target or no phone column; 413 over WAFLOW_MAX_IMPORT_MB.',
    query: importQuery,
    responses: [{ status: 200, description: 'The import’s outcome' }],
    handler: async (c, { query }) => {
      const body = c.req.raw.body;
      if (!body)
        throw new AppError(400, 'EMPTY_CSV', 'The file is empty: it needs a header line and rows.');
      const maxBytes = (deps.limits ?? defaultLimits).maxImportMb * 1_048_576;
      const answer = await importContacts(
        deps,
        c.get('workspaceId'),
        body,
        query.columns,
        maxBytes,
      );
      await audit(c, deps.client.db, {
        action: 'contacts.import',
        entityType: 'contact',
        after: { created: answer.created, updated: answer.updated, failed: answer.failed },
      });
      return c.json(answer);
    },
  });
}
