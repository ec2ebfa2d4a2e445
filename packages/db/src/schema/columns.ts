// Column helpers every table shares.
import { timestamp, uuid } from 'drizzle-orm/pg-core';

export const id = () => uuid('id').primaryKey().defaultRandom();
// Millisecond precision, the precision of a JS Date: a keyset cursor made from a row's time then
// compares equal to the stored value (with microseconds a cursor could skip rows).
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 })
    .notNull()
    .defaultNow();
export const ts = (name: string) =>
  timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });
