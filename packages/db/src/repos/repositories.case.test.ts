// One repository-level suite, run on real Postgres and on embedded PGlite.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbClient } from '../client.ts';
import { createKeyring } from '../crypto/index.ts';
import { migrate } from '../migrate.ts';
import { schema } from '../index.ts';
import { sql } from 'drizzle-orm';
import { statement, uuidArrayText } from '../sql-rows.ts';
import { readCheckpoint, writeCheckpoint, writeCheckpoints } from './checkpoints.ts';
import { createConversation, findOpenConversation, upsertContact } from './conversations.ts';
import { createFlow, loadPublishedVersion, loadPublishedVersionForNumber, publishFlowVersion, saveDraft } from './flows.ts';
import { insertInboundEvent } from './inbound-events.ts';
import { insertMessage, transcript } from './messages.ts';
import { deleteSessionArchive, loadSessionArchive, saveSessionArchive } from './session-store.ts';
import { addMember, createUser, createWorkspace } from './workspaces.ts';

export function runContract({ name, create }: { name: string; create: () => Promise<DbClient> }) {
  describe(`repositories on ${name}`, () => {
    let client: DbClient;
    beforeAll(async () => {
      client = await create();
      await migrate(client);
    });
    afterAll(() => client.close());

    it('goes workspace → flow → publish → conversation → messages → checkpoint', async () => {
      const db = client.db;
      const ws = await createWorkspace(db, 'Acme');
      const user = await createUser(db, { email: 'Owner@Acme.test', name: 'Owner', passwordHash: 'x' });
      await addMember(db, ws.id, user.id, 'owner');
      const draft = { schemaVersion: 1, start: 'a', nodes: [], triggers: [], variables: [] };
      const flow = await createFlow(db, { workspaceId: ws.id, name: 'Leads', draft });

      expect(await saveDraft(db, flow.id, { ...draft, name: 'v2' }, 1)).toBe(2);
      expect(await saveDraft(db, flow.id, { ...draft, name: 'stale' }, 1)).toBeUndefined();

      const v1 = await publishFlowVersion(db, { flowId: flow.id, config: draft, changelog: 'first', authorId: user.id });
      const v2 = await publishFlowVersion(db, { flowId: flow.id, config: { ...draft, name: 'second' } });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(v1.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect((await loadPublishedVersion(db, flow.id))?.id).toBe(v2.id);

      const [number] = await db.insert(schema.numbers).values({ workspaceId: ws.id, label: 'Sales', flowId: flow.id }).returning();
      if (!number) throw new Error('no number');
      expect((await loadPublishedVersionForNumber(db, number.id))?.version).toBe(2);

      const contact = await upsertContact(db, { workspaceId: ws.id, numberId: number.id, waId: '34600111222@c.us', name: 'Ana' });
      const again = await upsertContact(db, { workspaceId: ws.id, numberId: number.id, waId: '34600111222@c.us' });
      expect(again.id).toBe(contact.id);
      expect(again.name).toBe('Ana');

      const conv = await createConversation(db, { workspaceId: ws.id, numberId: number.id, contactId: contact.id, flowId: flow.id, flowVersionId: v1.id });
      expect((await findOpenConversation(db, number.id, contact.id))?.id).toBe(conv.id);

      const first = await insertInboundEvent(db, { numberId: number.id, waMessageId: 'wamid.1', fromWaId: '34600111222@c.us', payload: { text: 'hi' } });
      expect(first.inserted).toBe(true);
      expect(await insertInboundEvent(db, { numberId: number.id, waMessageId: 'wamid.1', fromWaId: '34600111222@c.us', payload: { text: 'hi' } })).toEqual({ inserted: false, id: first.id });

      await insertMessage(db, { workspaceId: ws.id, numberId: number.id, conversationId: conv.id, direction: 'in', waMessageId: 'wamid.1', type: 'text', body: 'hi', status: 'delivered' });
      await insertMessage(db, { workspaceId: ws.id, numberId: number.id, conversationId: conv.id, direction: 'out', type: 'text', body: 'Hello!', status: 'pending' });
      expect((await transcript(db, conv.id)).map((m) => m.body)).toEqual(['hi', 'Hello!']);

      expect(await writeCheckpoint(db, conv.id, { node: 'a' }, 5)).toBe(true);
      expect(await writeCheckpoint(db, conv.id, { node: 'b' }, 7)).toBe(true);
      expect(await writeCheckpoint(db, conv.id, { node: 'stale' }, 6)).toBe(false);
      expect(await writeCheckpoint(db, conv.id, { node: 'c' }, 7)).toBe(true);
      expect(await readCheckpoint(db, conv.id)).toMatchObject({ state: { node: 'c' }, fence: 7 });

      // In one statement: each conversation's own fence decides.
      const other = await createConversation(db, { workspaceId: ws.id, numberId: number.id, contactId: (await upsertContact(db, { workspaceId: ws.id, numberId: number.id, waId: '34600111333@c.us' })).id, flowId: null, flowVersionId: null });
      const written = await writeCheckpoints(db, [
        { conversationId: conv.id, state: { node: 'stale again' }, fence: 6 },
        { conversationId: other.id, state: { node: 'x' }, fence: 1 },
      ]);
      expect([...written]).toEqual([other.id]);
      expect(await readCheckpoint(db, conv.id)).toMatchObject({ state: { node: 'c' }, fence: 7 });
      expect(await readCheckpoint(db, other.id)).toMatchObject({ state: { node: 'x' }, fence: 1 });
    });

    it('refuses to change a published flow version', async () => {
      const db = client.db;
      const ws = await createWorkspace(db, 'Immutable');
      const flow = await createFlow(db, { workspaceId: ws.id, name: 'F', draft: {} });
      const v = await publishFlowVersion(db, { flowId: flow.id, config: { a: 1 } });
      await expect(client.query('update flow_versions set config = $1 where id = $2', [JSON.stringify({ a: 2 }), v.id])).rejects.toThrow(/published and cannot be changed/);
      await client.query(`update flow_versions set status = 'archived' where id = $1`, [v.id]);
      const [row] = await client.query<{ status: string; config: unknown }>('select status, config from flow_versions where id = $1', [v.id]);
      expect(row).toMatchObject({ status: 'archived', config: { a: 1 } });
    });

    it('keeps a number\'s session archive encrypted and gives it back after a key rotation', async () => {
      const db = client.db;
      const ws = await createWorkspace(db, 'Sessions');
      const [number] = await db.insert(schema.numbers).values({ workspaceId: ws.id, label: 'n' }).returning();
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
      const params = { rows: JSON.stringify([{ id: a, n: 1 }, { id: b, n: 2 }]), ids: uuidArrayText([a, b]), min: 2 };
      expect(await pick.rows(client.db, params)).toEqual([{ id: b, n: 2 }]);
      expect(await pick.rows(client.db, { ...params, min: 0 })).toEqual([{ id: a, n: 1 }, { id: b, n: 2 }]);
      await client.db.transaction(async (tx) => {
        expect(await pick.rows(tx, { ...params, ids: uuidArrayText([a]), min: 0 })).toEqual([{ id: a, n: 1 }]);
      });
    });

    it('applies the migrations a second time without error', async () => {
      await expect(migrate(client)).resolves.toBeUndefined();
    });

    it('delivers notifications to listeners until they unlisten', async () => {
      const got = new Promise<string>((resolve) => {
        void client.listen('flow_published', resolve).then(async () => client.notify('flow_published', 'flow-1'));
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
      await expect(client.notify('bad channel; drop table x', 'x')).rejects.toThrow(/not a valid notification channel/);
    });
  });
}
