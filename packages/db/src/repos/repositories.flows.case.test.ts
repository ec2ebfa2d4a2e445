// Repository case suite, flows and conversations (run on real Postgres and on embedded PGlite):
// workspace → flow → publish → conversation → messages → checkpoints and their fences, and a
// published flow version that cannot be changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbClient } from '../client.ts';
import { migrate } from '../migrate.ts';
import { schema } from '../index.ts';
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
import type { Target } from './repositories.case-harness.ts';
import { addMember, createUser, createWorkspace } from './workspaces.ts';

export function runFlowsContract({ name, create }: Target) {
  describe(`repositories on ${name}: flows and conversations`, () => {
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
  });
}
