// Opt-out by keyword through the runtime: a workspace keyword (STOP by default) opts the contact
// out, ends their conversation and the bot goes quiet (their messages still reach the
// transcript); a flow's own stop keyword opts out too; only a start keyword opts them back in.
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { useRuntimeOnClock, seedNumberWithFlow, waitFor } from '../fixtures.ts';

describe('opt-out by keyword', () => {
  const clock = Date.parse('2026-12-02T10:00:00Z');
  const env = useRuntimeOnClock(() => clock);

  async function chat(flow: Record<string, unknown>, from: string) {
    const { numberId, workspaceId } = await seedNumberWithFlow(env.client, flow);
    const sandbox = await env.runtime.attachSandbox(numberId);
    let n = 0;
    const say = async (text: string) => {
      n += 1;
      await env.runtime.receive(numberId, {
        messageId: `${from}-${n}`,
        from,
        type: 'text',
        text,
        timestamp: clock,
      });
      await env.runtime.idle();
      await waitFor(
        async () =>
          (
            await env.client.db
              .select()
              .from(schema.inboundEvents)
              .where(
                and(
                  eq(schema.inboundEvents.waMessageId, `${from}-${n}`),
                  eq(schema.inboundEvents.status, 'processed'),
                ),
              )
          ).length > 0 || undefined,
        15_000,
        `message ${n} processed`,
      );
      await env.runtime.idle();
    };
    const contact = async () => {
      const [c] = await env.client.db
        .select()
        .from(schema.contacts)
        .where(and(eq(schema.contacts.workspaceId, workspaceId), eq(schema.contacts.waId, from)));
      return c;
    };
    const replies = () => sandbox.sent.filter((s) => s.message.to === from).map((s) => s.message);
    return { say, contact, replies, numberId, workspaceId };
  }

  it('opts out on STOP, stays quiet while opted out, and opts back in on START', async () => {
    const from = '34600000701@c.us';
    const { say, contact, replies, numberId } = await chat(echoFlow, from);
    await say('hello');
    expect(replies()).toHaveLength(1);
    expect((await contact())?.optedOutAt).toBeNull();

    await say(' stop ');
    const out = await contact();
    expect(out?.optedOutAt).toBeInstanceOf(Date);
    expect(out?.optedOutReason).toBe('wrote "stop"');
    // The conversation ended; nothing was sent for the keyword.
    expect(replies()).toHaveLength(1);
    const [conv] = await env.client.db
      .select()
      .from(schema.conversations)
      .where(eq(schema.conversations.numberId, numberId));
    expect(conv?.status).toBe('completed');

    // Opted out: the bot says nothing, whatever they write (the transcript keeps it).
    await say('hello again');
    expect(replies()).toHaveLength(1);
    expect((await contact())?.optedOutAt).toBeInstanceOf(Date);
    const lines = await env.client.db
      .select({ body: schema.messages.body })
      .from(schema.messages)
      .where(and(eq(schema.messages.numberId, numberId), eq(schema.messages.direction, 'in')))
      .orderBy(schema.messages.seq);
    expect(lines.map((l) => l.body)).toEqual(['hello', ' stop ', 'hello again']);

    // A start keyword opts them back in, and the bot answers again.
    await say('Start');
    expect((await contact())?.optedOutAt).toBeNull();
    expect((await contact())?.optedOutReason).toBeNull();
    expect(replies()).toHaveLength(2);
  });

  it("opts out on a flow's own stop keyword, and on a workspace list set in its settings", async () => {
    const from = '34600000702@c.us';
    const flow = { ...echoFlow, settings: { stopKeywords: ['enough'] } };
    const { say, contact, replies } = await chat(flow, from);
    await say('hello');
    await say('Enough');
    expect((await contact())?.optedOutReason).toBe('wrote "Enough"');
    expect(replies()).toHaveLength(1);

    const other = '34600000703@c.us';
    const second = await chat(echoFlow, other);
    await env.client.db
      .update(schema.workspaces)
      .set({ settings: { optOutKeywords: ['parar'], startKeywords: ['volver'] } })
      .where(eq(schema.workspaces.id, second.workspaceId));
    await second.say('hola');
    await second.say('STOP'); // not this workspace's word any more
    expect((await second.contact())?.optedOutAt).toBeNull();
    await second.say('PARAR');
    expect((await second.contact())?.optedOutAt).toBeInstanceOf(Date);
    await second.say('start');
    expect((await second.contact())?.optedOutAt).toBeInstanceOf(Date);
    await second.say('volver');
    expect((await second.contact())?.optedOutAt).toBeNull();
  });
});
