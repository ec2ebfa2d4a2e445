// A handoff block that names who gets the conversation: a member by email (also on the
// conversation's first turn, when the commit opens it), or a round robin among the members who
// can answer and have the inbox open — decided by the turn's own commit on real Postgres.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import {
  addMember,
  createFlow,
  createUser,
  createWorkspace,
  publishFlowVersion,
  schema,
} from '@waflow/db';
import { useRuntimeOnClock, waitFor } from '../fixtures.ts';

const handoffFlow = (assignTo: string, askFirst: boolean) => ({
  schemaVersion: 1,
  triggers: [{ type: 'any' }],
  variables: [{ name: 'need', type: 'string' }],
  start: askFirst ? 'q' : 'h',
  nodes: [
    ...(askFirst
      ? [
          {
            id: 'q',
            type: 'ask',
            prompt: 'What do you need?',
            saveAs: 'need',
            validation: { kind: 'text' },
            next: 'h',
          },
        ]
      : []),
    { id: 'h', type: 'handoff', message: 'A colleague will answer.', assignTo },
  ],
});

describe('handoff block assignment', () => {
  const clock = Date.parse('2026-12-02T10:00:00Z');
  const env = useRuntimeOnClock(() => clock);

  async function member(
    workspaceId: string,
    role: 'admin' | 'editor' | 'viewer',
    seenSecondsAgo: number | null,
  ) {
    const user = await createUser(env.client.db, {
      email: `${role}-${randomUUID()}@salon.test`,
      name: role,
      passwordHash: 'x',
    });
    await addMember(env.client.db, workspaceId, user.id, role);
    if (seenSecondsAgo !== null)
      await env.client.db
        .update(schema.memberships)
        .set({ inboxSeenAt: new Date(clock - seenSecondsAgo * 1000) })
        .where(
          and(
            eq(schema.memberships.workspaceId, workspaceId),
            eq(schema.memberships.userId, user.id),
          ),
        );
    return user;
  }

  async function setUp(flow: (ws: string) => Promise<Record<string, unknown>>) {
    const ws = await createWorkspace(env.client.db, 'Salon');
    const config = await flow(ws.id);
    const created = await createFlow(env.client.db, {
      workspaceId: ws.id,
      name: 'salon',
      draft: config,
    });
    await publishFlowVersion(env.client.db, { flowId: created.id, config });
    const [number] = await env.client.db
      .insert(schema.numbers)
      .values({ workspaceId: ws.id, label: 'Salon', channel: 'sandbox', flowId: created.id })
      .returning();
    if (!number) throw new Error('no number');
    const seeded = { workspaceId: ws.id, numberId: number.id };
    await env.runtime.attachSandbox(seeded.numberId);
    let n = 0;
    const say = async (from: string, text: string) => {
      n += 1;
      const id = `${from}-${n}`;
      await env.runtime.receive(seeded.numberId, {
        messageId: id,
        from,
        type: 'text',
        text,
        timestamp: clock,
      });
      await waitFor(
        async () =>
          (
            await env.client.db
              .select()
              .from(schema.inboundEvents)
              .where(
                and(
                  eq(schema.inboundEvents.waMessageId, id),
                  eq(schema.inboundEvents.status, 'processed'),
                ),
              )
          ).length > 0 || undefined,
        15_000,
        `message ${id} processed`,
      );
      await env.runtime.idle();
    };
    const assignee = async (from: string) => {
      const [c] = await env.client.db
        .select({
          assignedTo: schema.conversations.assignedTo,
          status: schema.conversations.status,
        })
        .from(schema.conversations)
        .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contactId))
        .where(
          and(eq(schema.conversations.numberId, seeded.numberId), eq(schema.contacts.waId, from)),
        );
      return c;
    };
    return { ...seeded, say, assignee };
  }

  it('gives the conversation to the member named by email, from its first turn', async () => {
    let ana = '';
    const { say, assignee } = await setUp(async (ws) => {
      const user = await member(ws, 'editor', null);
      ana = user.id;
      return handoffFlow(user.email.toUpperCase(), false);
    });
    await say('34600000801@c.us', 'hi');
    expect(await assignee('34600000801@c.us')).toEqual({ assignedTo: ana, status: 'handoff' });
  });

  it('takes turns among the online members who can answer, never a viewer or someone away', async () => {
    const ids: Record<string, string> = {};
    const { say, assignee } = await setUp(async (ws) => {
      ids.a = (await member(ws, 'editor', 10)).id;
      ids.b = (await member(ws, 'admin', 40)).id;
      ids.viewer = (await member(ws, 'viewer', 5)).id;
      ids.away = (await member(ws, 'editor', 600)).id;
      return handoffFlow('round-robin', true);
    });
    const got: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const from = `3460000090${i}@c.us`;
      await say(from, 'hello');
      expect((await assignee(from))?.assignedTo).toBeNull(); // asked first: not handed off yet
      await say(from, 'a haircut on Friday');
      const c = await assignee(from);
      expect(c?.status).toBe('handoff');
      got.push(c?.assignedTo ?? null);
    }
    expect(new Set(got)).toEqual(new Set([ids.a, ids.b]));
    expect(got[0]).not.toBe(got[1]);
    expect(got[2]).toBe(got[0]);
    expect(got[3]).toBe(got[1]);
  });

  it('leaves the conversation unassigned when nobody is online or the member left', async () => {
    const { say, assignee } = await setUp(async (ws) => {
      await member(ws, 'editor', 3600);
      return handoffFlow('round-robin', false);
    });
    await say('34600000811@c.us', 'hi');
    expect(await assignee('34600000811@c.us')).toEqual({ assignedTo: null, status: 'handoff' });

    const other = await setUp(async () => handoffFlow('gone@salon.test', false));
    await other.say('34600000812@c.us', 'hi');
    expect((await other.assignee('34600000812@c.us'))?.assignedTo).toBeNull();
  });
});
