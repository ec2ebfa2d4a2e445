// Keyset pagination: a list ordered by (time desc, id desc) continues after the last row it
// returned; the cursor is that row's (time, id), opaque to the caller.
import { and, eq, lt, or, type Column, type SQL } from 'drizzle-orm';
import { AppError } from '../errors.ts';
import { isUuid } from '../middleware/auth.ts';
import { isStorableDate } from './params.ts';

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      unknown,
      unknown,
    ];
    const date = new Date(typeof at === 'string' ? at : NaN);
    // Every list is keyed by a uuid and a stored time: anything else is not a cursor of ours.
    if (typeof id !== 'string' || !isUuid(id) || !isStorableDate(date)) throw new Error('bad');
    return { at: date, id };
  } catch {
    throw new AppError(
      400,
      'INVALID_CURSOR',
      'The cursor is not one this API gave out: pass nextCursor from the previous page as it is.',
    );
  }
}

/** Rows after the cursor in (time desc, id desc) order; undefined when there is no cursor. */
export function afterCursor(
  cursor: string | undefined,
  timeCol: Column,
  idCol: Column,
): SQL | undefined {
  if (!cursor) return undefined;
  const { at, id } = decodeCursor(cursor);
  return or(lt(timeCol, at), and(eq(timeCol, at), lt(idCol, id)));
}

/** Cuts the extra row fetched to know whether there is a next page. */
export function pageOf<T>(
  rows: T[],
  limit: number,
  key: (row: T) => { at: Date; id: string },
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(key(last).at, key(last).id) : null,
  };
}
