// One CSV row of a contacts import, checked against the column mapping and the workspace's
// declared tags and attributes: the contact to write, or the reason the row is refused (in words
// that say what to fix). Columns map to phone, name, tags, opted_out, an attribute's key, or
// nothing (an empty target skips the column).
import {
  coerceAttribute,
  normalizePhone,
  waIdFromPhone,
  type AttributeType,
  type ImportedContact,
} from '@waflow/db';

export const RESERVED_TARGETS = ['phone', 'name', 'tags', 'opted_out'] as const;
export const MAX_NAME = 200;
export const MAX_TEXT = 2_000;

export interface ImportContext {
  /** The target of each column, in order ('' skips it). */
  columns: readonly string[];
  tags: ReadonlySet<string>;
  attributes: ReadonlyMap<string, AttributeType>;
}

/** Splits a tags cell: `vip; newsletter`, `vip|newsletter` or `vip, newsletter`. */
export const splitTags = (cell: string) =>
  cell
    .split(/[;|,]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');

export function checkRow(
  cells: readonly string[],
  ctx: ImportContext,
): { ok: true; contact: ImportedContact } | { ok: false; reason: string } {
  if (cells.length > ctx.columns.length)
    return {
      ok: false,
      reason: `${cells.length} cells where the header has ${ctx.columns.length}: quote a cell that holds the separator`,
    };
  let phone: string | undefined;
  let name: string | null = null;
  let tags: string[] = [];
  let optedOut = false;
  const attributes: Record<string, string | number | boolean> = {};
  for (const [i, target] of ctx.columns.entries()) {
    // A leading ' before = + - @ is the export's defusing of a formula-like cell (csv.ts): undone.
    const cell = (cells[i] ?? '').trim().replace(/^'(?=[=+\-@])/, '');
    if (target === '') continue;
    if (target === 'phone') {
      if (cell === '') return { ok: false, reason: 'no phone: every contact needs one' };
      phone = normalizePhone(cell);
      if (!phone)
        return {
          ok: false,
          reason: /[^\d\s+().-]/.test(cell)
            ? `bad phone "${cell}": only digits, spaces and + ( ) - are allowed`
            : `bad phone "${cell}": write it with its country code, e.g. +34600123456`,
        };
    } else if (target === 'name') {
      if (cell.length > MAX_NAME)
        return { ok: false, reason: `name longer than ${MAX_NAME} characters` };
      name = cell === '' ? null : cell;
    } else if (target === 'tags') {
      tags = splitTags(cell);
      const unknown = tags.find((t) => !ctx.tags.has(t));
      if (unknown !== undefined)
        return {
          ok: false,
          reason: `unknown tag "${unknown}": declare it on the Contacts page first, or fix the spelling`,
        };
    } else if (target === 'opted_out') {
      const v = coerceAttribute('boolean', cell);
      if (!v.ok) return { ok: false, reason: `opted_out: ${v.error}` };
      optedOut = v.value === true;
    } else {
      const type = ctx.attributes.get(target);
      if (!type) return { ok: false, reason: `"${target}" is not a contact attribute` };
      if (type === 'text' && cell.length > MAX_TEXT)
        return { ok: false, reason: `${target}: longer than ${MAX_TEXT} characters` };
      const v = coerceAttribute(type, cell);
      if (!v.ok) return { ok: false, reason: `wrong type for ${target} (${type}): ${v.error}` };
      // An empty cell gives no value: it does not clear the contact's.
      if (v.value !== null) attributes[target] = v.value;
    }
  }
  if (!phone) return { ok: false, reason: 'no phone: every contact needs one' };
  return {
    ok: true,
    contact: { waId: waIdFromPhone(phone), phone, name, tags, attributes, optedOut },
  };
}
