// The migration that makes contacts per workspace, on a database that had one contact per number:
// a person known to two numbers of a workspace becomes one contact, their conversations (still
// per number) and results move to it, and another workspace's contact of the same id stays apart.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as drizzleMigrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '@waflow/testkit';
import { migrationsFolder } from './migrate.ts';

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** A copy of the migrations that stops before `tag`. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'waflow-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const path = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
  const at = journal.entries.findIndex((e) => e.tag.endsWith(tag));
  if (at < 0) throw new Error(`no migration named ${tag}`);
  writeFileSync(path, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return dir;
}

describe('the contacts-per-workspace migration', () => {
  it('merges one person known to two numbers into one contact, keeping their conversations and results', async () => {
    const db = await createTestDatabase(inject('pgUrl'));
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    const before = migrationsBefore('contacts_per_workspace');
    try {
      await drizzleMigrate(drizzle(sql), { migrationsFolder: before });
      const [ws, other] = await sql<{ id: string }[]>`
        insert into workspaces (name) values ('Shop'), ('Other') returning id`;
      const [n1, n2, n3] = await sql<{ id: string }[]>`
        insert into numbers (workspace_id, label, channel) values
          (${ws!.id}, 'Sales', 'sandbox'), (${ws!.id}, 'Support', 'sandbox'), (${other!.id}, 'Other', 'sandbox')
        returning id`;
      const wa = '34600000001@c.us';
      const [first, dup, apart] = await sql<{ id: string }[]>`
        insert into contacts (workspace_id, number_id, wa_id, name, created_at) values
          (${ws!.id}, ${n1!.id}, ${wa}, null, '2026-01-01'),
          (${ws!.id}, ${n2!.id}, ${wa}, 'Ana', '2026-02-01'),
          (${other!.id}, ${n3!.id}, ${wa}, 'Ana elsewhere', '2026-01-01')
        returning id`;
      const convs = await sql<{ id: string }[]>`
        insert into conversations (workspace_id, number_id, contact_id, status) values
          (${ws!.id}, ${n1!.id}, ${first!.id}, 'active'), (${ws!.id}, ${n2!.id}, ${dup!.id}, 'active')
        returning id`;
      await sql`insert into results (workspace_id, conversation_id, contact_id, variables)
        values (${ws!.id}, ${convs[1]!.id}, ${dup!.id}, '{}')`;

      await drizzleMigrate(drizzle(sql), { migrationsFolder });

      const contacts = await sql<{ id: string; name: string | null; phone: string | null }[]>`
        select id, name, phone from contacts where workspace_id = ${ws!.id}`;
      expect(contacts).toEqual([{ id: first!.id, name: 'Ana', phone: '+34600000001' }]);
      const moved = await sql<{ number_id: string; contact_id: string }[]>`
        select number_id, contact_id from conversations order by number_id`;
      expect(moved.map((r) => r.contact_id)).toEqual([first!.id, first!.id]);
      expect(moved.map((r) => r.number_id).sort()).toEqual([n1!.id, n2!.id].sort());
      expect(await sql`select contact_id from results`).toEqual([{ contact_id: first!.id }]);
      expect(await sql`select id from contacts where workspace_id = ${other!.id}`).toEqual([
        { id: apart!.id },
      ]);
    } finally {
      await sql.end({ timeout: 5 });
      rmSync(before, { recursive: true, force: true });
    }
  });
});
