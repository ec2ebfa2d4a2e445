// A contact's first message creates the contact (in the claim) with the name WhatsApp gave; a
// later message under a new name renames it; a message without a name keeps it. A contact is the
// workspace's: the same person writing to a second number is the same contact, with a
// conversation on each number.
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { useRuntimeOnClock, seedNumberWithFlow, waitFor } from '../fixtures.ts';

describe('contacts', () => {
  const clock = Date.parse('2026-12-02T10:00:00Z');
  const env = useRuntimeOnClock(() => clock);

  it('are created by their first message with its name, renamed by a later one, kept by one without a name', async () => {
    const { numberId } = await seedNumberWithFlow(env.client, echoFlow);
    const sandbox = await env.runtime.attachSandbox(numberId);
    const from = '34600000901@c.us';
    let n = 0;
    const say = async (text: string, contactName?: string) => {
      n += 1;
      await env.runtime.receive(numberId, {
        messageId: `c-${n}`,
        from,
        type: 'text',
        text,
        timestamp: clock,
        ...(contactName ? { contactName } : {}),
      });
      await waitFor(
        () => (sandbox.sent.filter((s) => s.message.to === from).length >= n ? true : undefined),
        15_000,
        `reply ${n}`,
      );
      await env.runtime.idle();
      return env.client.db
        .select()
        .from(schema.contacts)
        .where(eq(schema.contacts.numberId, numberId));
    };

    const first = await say('hi', 'Ana');
    expect(first.map((c) => [c.waId, c.name])).toEqual([[from, 'Ana']]);
    const [conversation] = await env.client.db
      .select()
      .from(schema.conversations)
      .where(eq(schema.conversations.numberId, numberId));
    expect(conversation?.contactId).toBe(first[0]?.id);

    expect((await say('again', 'Ana María')).map((c) => [c.id, c.name])).toEqual([
      [first[0]?.id, 'Ana María'],
    ]);
    expect((await say('and again')).map((c) => [c.id, c.name])).toEqual([
      [first[0]?.id, 'Ana María'],
    ]);
  });

  it('are one per workspace: the same person on a second number is the same contact, with its phone', async () => {
    const { workspaceId, numberId, flowId } = await seedNumberWithFlow(env.client, echoFlow);
    const [second] = await env.client.db
      .insert(schema.numbers)
      .values({ workspaceId, label: 'Second number', channel: 'sandbox', flowId })
      .returning();
    if (!second) throw new Error('no second number');
    const from = '34600000902@c.us';
    for (const [i, id] of [numberId, second.id].entries()) {
      const sandbox = await env.runtime.attachSandbox(id);
      await env.runtime.receive(id, {
        messageId: `two-${i}`,
        from,
        type: 'text',
        text: 'hi',
        timestamp: clock,
        contactName: 'Bea',
      });
      await waitFor(() => (sandbox.sent.length > 0 ? true : undefined), 15_000, `reply on ${i}`);
      await env.runtime.idle();
    }
    const rows = await env.client.db
      .select()
      .from(schema.contacts)
      .where(eq(schema.contacts.workspaceId, workspaceId));
    expect(rows.map((c) => [c.waId, c.phone, c.name, c.numberId])).toEqual([
      [from, '+34600000902', 'Bea', numberId],
    ]);
    expect(rows[0]?.lastSeenAt).toBeInstanceOf(Date);
    const conversations = await env.client.db
      .select()
      .from(schema.conversations)
      .where(eq(schema.conversations.contactId, rows[0]?.id ?? ''));
    expect(conversations.map((c) => c.numberId).sort()).toEqual([numberId, second.id].sort());
  });
});
