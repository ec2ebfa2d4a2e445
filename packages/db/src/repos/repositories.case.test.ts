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
import {
  createFlow,
  loadPublishedVersion,
  loadPublishedVersionForNumber,
  loadVersion,
  publishFlowVersion,
  saveDraft,
} from './flows.ts';
import { handConversationToPerson } from './handoff.ts';
import { insertInboundEvent } from './inbound-events.ts';
import { insertMessage, transcript } from './messages.ts';
import { eraseFromNumber, findContact, purgeExpired } from './retention.ts';
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
      const user = await createUser(db, {
        email: 'Owner@Acme.test',
        name: 'Owner',
        passwordHash: 'x',
      });
      await addMember(db, ws.id, user.id, 'owner');
      const draft = { schemaVersion: 1, start: 'a', nodes: [], triggers: [], variables: [] };
      const flow = await createFlow(db, { workspaceId: ws.id, name: 'Leads', draft });

      expect(await saveDraft(db, flow.id, { ...draft, name: 'v2' }, 1)).toBe(2);
      expect(await saveDraft(db, flow.id, { ...draft, name: 'stale' }, 1)).toBeUndefined();

      const v1 = await publishFlowVersion(db, {
        flowId: flow.id,
        config: draft,
        changelog: 'first',
        authorId: user.id,
      });
      const v2 = await publishFlowVersion(db, {
        flowId: flow.id,
        config: { ...draft, name: 'second' },
      });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(v1.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect((await loadPublishedVersion(db, ws.id, flow.id))?.id).toBe(v2.id);
      const elsewhere = await createWorkspace(db, 'Other');
      expect(await loadPublishedVersion(db, elsewhere.id, flow.id)).toBeUndefined();
      expect((await loadVersion(db, ws.id, v1.id))?.version).toBe(1);
      expect(await loadVersion(db, elsewhere.id, v1.id)).toBeUndefined();

      const [number] = await db
        .insert(schema.numbers)
        .values({ workspaceId: ws.id, label: 'Sales', flowId: flow.id })
        .returning();
      if (!number) throw new Error('no number');
      expect((await loadPublishedVersionForNumber(db, number.id))?.version).toBe(2);

      const contact = await upsertContact(db, {
        workspaceId: ws.id,
        numberId: number.id,
        waId: '34600111222@c.us',
        name: 'Ana',
      });
      const again = await upsertContact(db, {
        workspaceId: ws.id,
        numberId: number.id,
        waId: '34600111222@c.us',
      });
      expect(again.id).toBe(contact.id);
      expect(again.name).toBe('Ana');

      const conv = await createConversation(db, {
        workspaceId: ws.id,
        numberId: number.id,
        contactId: contact.id,
        flowId: flow.id,
        flowVersionId: v1.id,
      });
      expect((await findOpenConversation(db, number.id, contact.id))?.id).toBe(conv.id);

      const first = await insertInboundEvent(db, {
        numberId: number.id,
        waMessageId: 'wamid.1',
        fromWaId: '34600111222@c.us',
        payload: { text: 'hi' },
      });
      expect(first.inserted).toBe(true);
      expect(
        await insertInboundEvent(db, {
          numberId: number.id,
          waMessageId: 'wamid.1',
          fromWaId: '34600111222@c.us',
          payload: { text: 'hi' },
        }),
      ).toEqual({ inserted: false, id: first.id });

      await insertMessage(db, {
        workspaceId: ws.id,
        numberId: number.id,
        conversationId: conv.id,
        direction: 'in',
        waMessageId: 'wamid.1',
        type: 'text',
        body: 'hi',
        status: 'delivered',
      });
      await insertMessage(db, {
        workspaceId: ws.id,
        numberId: number.id,
        conversationId: conv.id,
        direction: 'out',
        type: 'text',
        body: 'Hello!',
        status: 'pending',
      });
      expect((await transcript(db, conv.id)).map((m) => m.body)).toEqual(['hi', 'Hello!']);

      expect(await writeCheckpoint(db, conv.id, { node: 'a' }, 5)).toBe(true);
      expect(await writeCheckpoint(db, conv.id, { node: 'b' }, 7)).toBe(true);
      expect(await writeCheckpoint(db, conv.id, { node: 'stale' }, 6)).toBe(false);
      expect(await writeCheckpoint(db, conv.id, { node: 'c' }, 7)).toBe(true);
      expect(await readCheckpoint(db, conv.id)).toMatchObject({ state: { node: 'c' }, fence: 7 });

      // In one statement: each conversation's own fence decides.
      const other = await createConversation(db, {
        workspaceId: ws.id,
        numberId: number.id,
        contactId: (
          await upsertContact(db, {
            workspaceId: ws.id,
            numberId: number.id,
            waId: '34600111333@c.us',
          })
        ).id,
        flowId: null,
        flowVersionId: null,
      });
      const written = await writeCheckpoints(db, [
        { conversationId: conv.id, state: { node: 'stale again' }, fence: 6 },
        { conversationId: other.id, state: { node: 'x' }, fence: 1 },
      ]);
      expect([...written]).toEqual([other.id]);
      expect(await readCheckpoint(db, conv.id)).toMatchObject({ state: { node: 'c' }, fence: 7 });
      expect(await readCheckpoint(db, other.id)).toMatchObject({ state: { node: 'x' }, fence: 1 });

      // A take-over under a newer lock raises the fence: the older holder's checkpoint is refused.
      expect(await handConversationToPerson(db, conv.id, { until: null, fence: 9 })).toEqual({
        kind: 'handed',
        before: 'active',
      });
      expect(await writeCheckpoint(db, conv.id, { node: 'older holder' }, 8)).toBe(false);
      expect(await readCheckpoint(db, conv.id)).toMatchObject({ state: { node: 'c' }, fence: 9 });
      expect(await findOpenConversation(db, number.id, contact.id)).toMatchObject({
        status: 'handoff',
        handoffUntil: null,
      });
      // A reply from the phone keeps the take-over (it lasts until released).
      await handConversationToPerson(db, conv.id, {
        until: new Date(Date.now() + 60_000),
        keepTakeOver: true,
      });
      expect((await findOpenConversation(db, number.id, contact.id))?.handoffUntil).toBeNull();
    });

    it('refuses to change a published flow version', async () => {
      const db = client.db;
      const ws = await createWorkspace(db, 'Immutable');
      const flow = await createFlow(db, { workspaceId: ws.id, name: 'F', draft: {} });
      const v = await publishFlowVersion(db, { flowId: flow.id, config: { a: 1 } });
      await expect(
        client.query('update flow_versions set config = $1 where id = $2', [
          JSON.stringify({ a: 2 }),
          v.id,
        ]),
      ).rejects.toThrow(/published and cannot be changed/);
      await client.query(`update flow_versions set status = 'archived' where id = $1`, [v.id]);
      const [row] = await client.query<{ status: string; config: unknown }>(
        'select status, config from flow_versions where id = $1',
        [v.id],
      );
      expect(row).toMatchObject({ status: 'archived', config: { a: 1 } });
    });

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

    // A contact with all a conversation leaves: transcript, checkpoint, outbox row, timer, result,
    // inbound events (one that reached no conversation), a webhook delivery, an audit entry.
    async function seedContact(
      wsId: string,
      numberId: string,
      endpointId: string,
      waId: string,
      daysAgo: number,
    ) {
      const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
      const q = <T>(text: string, params: unknown[]) =>
        client.query<T & Record<string, unknown>>(text, params);
      const [ct] = await q<{ id: string }>(
        'insert into contacts (workspace_id, number_id, wa_id, name, created_at) values ($1, $2, $3, $4, $5) returning id',
        [wsId, numberId, waId, 'Ana', at],
      );
      const contactId = ct?.id as string;
      const [cv] = await q<{ id: string }>(
        `insert into conversations (workspace_id, number_id, contact_id, status, last_activity_at, created_at) values ($1, $2, $3, 'completed', $4, $4) returning id`,
        [wsId, numberId, contactId, at],
      );
      const convId = cv?.id as string;
      await q(
        `insert into messages (workspace_id, number_id, conversation_id, direction, wa_message_id, type, body, created_at) values ($1, $2, $3, 'in', $4, 'text', 'my email is ana@example.com', $5)`,
        [wsId, numberId, convId, `${waId}-m1`, at],
      );
      await q(
        `insert into messages (workspace_id, number_id, conversation_id, direction, wa_message_id, type, body, created_at) values ($1, $2, null, 'in', $3, 'text', 'hello?', $4)`,
        [wsId, numberId, `${waId}-m0`, at],
      );
      await q(
        'insert into conversation_checkpoints (conversation_id, state, fence) values ($1, $2, 1)',
        [convId, JSON.stringify({ vars: { email: 'ana@example.com' } })],
      );
      await q(
        `insert into outbox (number_id, conversation_id, idempotency_key, payload, status) values ($1, $2, $3, $4, 'sent')`,
        [
          numberId,
          convId,
          `${convId}:e1`,
          JSON.stringify({ to: waId, type: 'text', text: 'Thanks' }),
        ],
      );
      const [loose] = await q<{ id: string }>(
        `insert into messages (workspace_id, number_id, conversation_id, direction, type, body, created_at, author) values ($1, $2, null, 'out', 'text', 'Your order shipped', $3, 'api') returning id`,
        [wsId, numberId, at],
      );
      await q(
        `insert into outbox (number_id, conversation_id, message_id, idempotency_key, payload) values ($1, null, $2, $3, $4)`,
        [
          numberId,
          loose?.id,
          `api:${waId}`,
          JSON.stringify({ to: waId, type: 'text', text: 'Your order shipped' }),
        ],
      );
      await q('insert into timers (conversation_id, key, due_at) values ($1, $2, $3)', [
        convId,
        't1',
        at,
      ]);
      await q(
        `insert into results (workspace_id, conversation_id, contact_id, status, variables) values ($1, $2, $3, 'completed', $4)`,
        [wsId, convId, contactId, JSON.stringify({ email: 'ana@example.com' })],
      );
      for (const m of ['m0', 'm1'])
        await q(
          `insert into inbound_events (number_id, wa_message_id, from_wa_id, payload, status, created_at) values ($1, $2, $3, '{}', 'processed', $4)`,
          [numberId, `${waId}-${m}`, waId, at],
        );
      await q(
        `insert into webhook_deliveries (endpoint_id, event_id, event_type, payload, status, created_at) values ($1, $2, 'conversation.completed', $3, 'delivered', $4)`,
        [
          endpointId,
          `evt_${convId}`,
          JSON.stringify({
            data: { conversationId: convId, contact: waId, results: { email: 'ana@example.com' } },
          }),
          at,
        ],
      );
      await q(
        `insert into audit_log (workspace_id, action, entity_type, after) values ($1, 'integration.start', 'flow', $2)`,
        [wsId, JSON.stringify({ contact: waId, eventId: 'e' })],
      );
      return { contactId, convId };
    }
    const count = async (table: string, where: string, params: unknown[]) =>
      Number(
        (
          await client.query<{ n: number }>(
            `select count(*)::int as n from ${table} where ${where}`,
            params,
          )
        )[0]?.n,
      );

    async function workspaceWithNumber(name: string) {
      const ws = await createWorkspace(client.db, name);
      const [number] = await client.db
        .insert(schema.numbers)
        .values({ workspaceId: ws.id, label: name })
        .returning();
      const [endpoint] = await client.db
        .insert(schema.webhookEndpoints)
        .values({ workspaceId: ws.id, url: 'https://crm.example/hook', secret: 'x', events: ['*'] })
        .returning();
      if (!number || !endpoint) throw new Error('no number or endpoint');
      return { wsId: ws.id, numberId: number.id, endpointId: endpoint.id };
    }

    it("erases a contact and everything kept about them, and nobody else's", async () => {
      const { wsId, numberId, endpointId } = await workspaceWithNumber('Erasure');
      const ana = await seedContact(wsId, numberId, endpointId, '34600000001@c.us', 0);
      const bea = await seedContact(wsId, numberId, endpointId, '34600000002@c.us', 0);

      // Who to lock and erase: a contact of this workspace only.
      expect(
        await findContact(client.db, wsId, '00000000-0000-4000-8000-000000000000'),
      ).toBeUndefined();
      const other = await workspaceWithNumber('Someone else');
      expect(await findContact(client.db, other.wsId, ana.contactId)).toBeUndefined();
      expect(await findContact(client.db, wsId, ana.contactId)).toEqual({
        id: ana.contactId,
        numberId,
        waId: '34600000001@c.us',
      });

      const erased = await eraseFromNumber(client.db, wsId, numberId, '34600000001@c.us');
      expect(erased).toEqual({
        contactId: ana.contactId,
        numberId,
        waId: '34600000001@c.us',
        conversations: 1,
        messages: 3,
        results: 1,
        inboundEvents: 2,
        webhookDeliveries: 1,
      });
      const anaWa = '34600000001@c.us';
      expect(await count('contacts', 'id = $1', [ana.contactId])).toBe(0);
      expect(await count('conversations', 'contact_id = $1', [ana.contactId])).toBe(0);
      expect(await count('conversation_checkpoints', 'conversation_id = $1', [ana.convId])).toBe(0);
      // Only Bea's three messages are left on the number (her transcript, her loose inbound and outbound).
      expect(await count('messages', 'number_id = $1', [numberId])).toBe(3);
      expect(await count('outbox', `payload->>'to' = $1`, [anaWa])).toBe(0);
      expect(await count('timers', 'conversation_id = $1', [ana.convId])).toBe(0);
      expect(await count('results', 'conversation_id = $1', [ana.convId])).toBe(0);
      expect(await count('inbound_events', 'from_wa_id = $1', [anaWa])).toBe(0);
      expect(
        await count(
          'webhook_deliveries',
          `payload->'data'->>'contact' = $1 and event_type <> 'contact.erased'`,
          [anaWa],
        ),
      ).toBe(0);
      // The endpoint is told, to erase them on its side too.
      expect(
        await count(
          'webhook_deliveries',
          `endpoint_id = $1 and event_type = 'contact.erased' and payload->'data'->>'contactId' = $2`,
          [endpointId, ana.contactId],
        ),
      ).toBe(1);
      expect(await count('audit_log', `after::text like $1`, [`%${anaWa}%`])).toBe(0);
      expect(
        await count('audit_log', `workspace_id = $1 and action = 'integration.start'`, [wsId]),
      ).toBe(2);
      // Bea is untouched.
      expect(await count('conversations', 'contact_id = $1', [bea.contactId])).toBe(1);
      expect(await count('inbound_events', 'from_wa_id = $1', ['34600000002@c.us'])).toBe(2);
      expect(await count('outbox', `payload->>'to' = $1`, ['34600000002@c.us'])).toBe(2);
      expect(
        await count('webhook_deliveries', `payload->'data'->>'contact' = $1`, ['34600000002@c.us']),
      ).toBe(1);
      expect(await findContact(client.db, wsId, ana.contactId)).toBeUndefined();
      expect(await eraseFromNumber(client.db, wsId, numberId, '34600000001@c.us')).toMatchObject({
        contactId: null,
        conversations: 0,
        messages: 0,
        inboundEvents: 0,
        webhookDeliveries: 0,
      });
      expect(
        await count(
          'webhook_deliveries',
          `event_type = 'contact.erased' and payload->'data'->>'contactId' = $1`,
          [ana.contactId],
        ),
      ).toBe(1);
    });

    it('deletes what is older than a workspace keeps, and only where a retention period is set', async () => {
      const kept = await workspaceWithNumber('Keeps everything');
      const brief = await workspaceWithNumber('Keeps 30 days');
      await client.query(
        `update workspaces set settings = settings || '{"retentionDays": 30}' where id = $1`,
        [brief.wsId],
      );
      const forever = await seedContact(
        kept.wsId,
        kept.numberId,
        kept.endpointId,
        '34600000010@c.us',
        400,
      );
      const old = await seedContact(
        brief.wsId,
        brief.numberId,
        brief.endpointId,
        '34600000011@c.us',
        40,
      );
      const recent = await seedContact(
        brief.wsId,
        brief.numberId,
        brief.endpointId,
        '34600000012@c.us',
        5,
      );
      // An old conversation whose contact just wrote again: their turn may be running, it stays.
      const busy = await seedContact(
        brief.wsId,
        brief.numberId,
        brief.endpointId,
        '34600000013@c.us',
        40,
      );
      await client.query(
        `insert into inbound_events (number_id, wa_message_id, from_wa_id, payload) values ($1, 'busy-new', '34600000013@c.us', '{}')`,
        [brief.numberId],
      );

      const purged = await purgeExpired(client.db, new Date(), 2);
      expect(purged.conversations).toBeGreaterThanOrEqual(1);
      expect(await count('conversations', 'id = $1', [old.convId])).toBe(0);
      expect(await count('contacts', 'id = $1', [old.contactId])).toBe(0);
      expect(
        await count('messages', 'number_id = $1 and wa_message_id like $2', [
          brief.numberId,
          '34600000011%',
        ]),
      ).toBe(0);
      expect(await count('inbound_events', 'from_wa_id = $1', ['34600000011@c.us'])).toBe(0);
      expect(
        await count('webhook_deliveries', `payload->'data'->>'contact' = $1`, ['34600000011@c.us']),
      ).toBe(0);
      expect(await count('results', 'conversation_id = $1', [old.convId])).toBe(0);

      for (const c of [forever, recent, busy])
        expect(await count('conversations', 'id = $1', [c.convId])).toBe(1);
      expect(await count('contacts', 'id = $1', [busy.contactId])).toBe(1);
      expect(
        await count('inbound_events', `from_wa_id = $1 and status = 'pending'`, [
          '34600000013@c.us',
        ]),
      ).toBe(1);
      expect(await count('messages', 'number_id = $1', [kept.numberId])).toBe(3);
      expect(await count('webhook_deliveries', 'endpoint_id = $1', [kept.endpointId])).toBe(1);

      expect(await purgeExpired(client.db, new Date(), 2)).toMatchObject({
        conversations: 0,
        contacts: 0,
        messages: 0,
        webhookDeliveries: 0,
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
