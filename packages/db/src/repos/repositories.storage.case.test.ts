// Repository case suite, storage (run on real Postgres and on embedded PGlite): a number's session
// archive encrypted across a key rotation, Statements with placeholders, migrations applied twice,
// and notifications to listeners.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DbClient } from '../client.ts';
import { createKeyring } from '../crypto/index.ts';
import { migrate } from '../migrate.ts';
import { schema } from '../index.ts';
import { statement, uuidArrayText } from '../sql-rows.ts';
import type { Target } from './repositories.case-harness.ts';
import { deleteSessionArchive, loadSessionArchive, saveSessionArchive } from './session-store.ts';
import { createWorkspace } from './workspaces.ts';

export function runStorageContract({ name, create }: Target) {
  describe(`repositories on ${name}: storage`, () => {
    let client: DbClient;
    beforeAll(async () => {
      client = await create();
      await migrate(client);
    });
    afterAll(() => client.close());

    it("keeps a number's session archive encrypted and gives it back after a key rotation", async () => {
      const db = client.db;
      const ws = await createWorkspace(db, 'Sessions');
      const [number] = await db
        .insert(schema.numbers)
        .values({ workspaceId: ws.id, label: 'n' })
        .returning();
      if (!number) throw new Error('no number');
      const k1 = randomBytes(32);
      const old = createKeyring({ keys: { k1 }, current: 'k1' });
      expect(await loadSessionArchive(db, old, number.id)).toBeUndefined();

      const archive = Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(64 * 1024)]);
      await saveSessionArchive(db, old, number.id, archive);
      const [stored] = await db.select().from(schema.sessionStore);
      expect(stored?.keyId).toBe('k1');
      expect(stored?.archive.includes(archive.subarray(0, 64))).toBe(false);

      const rotated = createKeyring({ keys: { k2: randomBytes(32), k1 }, current: 'k2' });
      expect((await loadSessionArchive(db, rotated, number.id))?.equals(archive)).toBe(true);
      await saveSessionArchive(db, rotated, number.id, archive);
      const rows = await db.select().from(schema.sessionStore);
      expect(rows.map((r) => r.keyId)).toEqual(['k2']);

      await deleteSessionArchive(db, number.id);
      expect(await loadSessionArchive(db, rotated, number.id)).toBeUndefined();
    });

    it('runs a Statement (rendered once) with its placeholders, in and out of a transaction', async () => {
      const pick = statement<{ rows: string; ids: string; min: number }>(sql`
        select r.id, r.n from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as r(id uuid, n int)
        where r.id = any(${sql.placeholder('ids')}::uuid[]) and r.n >= ${sql.placeholder('min')}::int order by r.n`);
      const a = '00000000-0000-4000-8000-00000000000a';
      const b = '00000000-0000-4000-8000-00000000000b';
      const params = {
        rows: JSON.stringify([
          { id: a, n: 1 },
          { id: b, n: 2 },
        ]),
        ids: uuidArrayText([a, b]),
        min: 2,
      };
      expect(await pick.rows(client.db, params)).toEqual([{ id: b, n: 2 }]);
      expect(await pick.rows(client.db, { ...params, min: 0 })).toEqual([
        { id: a, n: 1 },
        { id: b, n: 2 },
      ]);
      await client.db.transaction(async (tx) => {
        expect(await pick.rows(tx, { ...params, ids: uuidArrayText([a]), min: 0 })).toEqual([
          { id: a, n: 1 },
        ]);
      });
    });

    it('applies the migrations a second time without error', async () => {
      await expect(migrate(client)).resolves.toBeUndefined();
    });

    it('delivers notifications to listeners until they unlisten', async () => {
      const got = new Promise<string>((resolve) => {
        void client
          .listen('flow_published', resolve)
          .then(async () => client.notify('flow_published', 'flow-1'));
      });
      expect(await got).toBe('flow-1');

      const stale: string[] = [];
      const unlisten = await client.listen('number_status', (p) => stale.push(p));
      await unlisten();
      const seen: string[] = [];
      let bothSeen!: () => void;
      const both = new Promise<void>((resolve) => (bothSeen = resolve));
      // The listener must be in place before the notifications go out.
      await client.listen('number_status', (p) => {
        seen.push(p);
        if (seen.length === 2) bothSeen();
      });
      await client.notify('number_status', 'a');
      await client.notify('number_status', 'b');
      await both;
      expect(seen).toEqual(['a', 'b']);
      expect(stale).toEqual([]);
      await expect(client.notify('bad channel; drop table x', 'x')).rejects.toThrow(
        /not a valid notification channel/,
      );
    });
  });
}
