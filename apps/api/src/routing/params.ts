// Query and body fields whose range is the database's, not JavaScript's: a date Postgres can read
// (JS accepts `+275760-09-13`, which Postgres refuses) and a version number that fits its int4.
import { z } from 'zod/v4';

/** Postgres `integer`: version numbers are stored as one. */
export const MAX_INT4 = 2_147_483_647;

/** Years 1 to 9999: what toISOString writes with four digits and every Postgres date accepts. */
export function isStorableDate(d: Date): boolean {
  const year = d.getUTCFullYear();
  return !Number.isNaN(d.getTime()) && year >= 1 && year <= 9999;
}

/** A date query parameter, e.g. `from=2026-01-31` or an ISO timestamp. */
export const dateParam = (name: string) =>
  z.coerce
    .date({ error: `${name} is a date, e.g. 2026-01-31 or an ISO timestamp` })
    .refine(isStorableDate, `${name} is a date between the years 1 and 9999, e.g. 2026-01-31`);

/** A flow version number, from a query string (`coerce`) or a JSON body. */
export const versionNumber = (name: string, coerce = false) =>
  (coerce ? z.coerce.number() : z.number())
    .int(`${name} is a whole version number`)
    .min(1, `${name}: versions start at 1`)
    .max(MAX_INT4, `${name} is a version number from 1 to ${MAX_INT4}`);
