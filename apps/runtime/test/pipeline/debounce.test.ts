// A flow's debounce joins a burst of quick messages answering a question into one answer, once
// the contact has been quiet for the debounce time (clock advanced by the test, not waited).
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { useRuntimeOnClock, seedNumberWithFlow, waitFor } from '../fixtures.ts';

// The echo flow (one reply per answer), joining bursts that arrive within 1.5 s.
const flow = { ...echoFlow, settings: { debounceMs: 1500 } };

describe('debounce', () => {
  let clock = Date.now() - 60_000;
  const env = useRuntimeOnClock(() => clock);

  it('joins a split answer into one input and replies once, after the contact is quiet', async () => {
    const { numberId } = await seedNumberWithFlow(env.client, flow);
    const sandbox = await env.runtime.attachSandbox(numberId);
    const from = '34600000777@c.us';
    const texts = () =>
      sandbox.sent
        .filter((s) => s.message.to === from)
        .map((s) => (s.message.type === 'text' ? s.message.text : ''));

    // The first message starts the conversation (no question is waiting yet): answered at once.
    sandbox.deliver({ from, text: 'hi' });
    await waitFor(() => (texts().length === 1 ? true : undefined), 15_000, 'the question');
    expect(texts()).toEqual(['say something']);

    // The clock stands at the burst's arrival (rows are stamped by the database's clock).
    clock = Date.now();
    for (const part of ['I would like', 'a table for two', 'tonight'])
      await env.runtime.receive(numberId, {
        messageId: `m-${part}`,
        from,
        type: 'text',
        text: part,
        timestamp: clock,
      });
    await env.runtime.idle();
    // Still inside the debounce window (the clock stands still): nothing answered yet.
    const queued = await env.client.db
      .select()
      .from(schema.outbox)
      .where(eq(schema.outbox.numberId, numberId));
    expect(queued).toHaveLength(1);

    clock += 1_600;
    await env.runtime.scheduler.recover([numberId]);
    await waitFor(() => (texts().length === 2 ? true : undefined), 15_000, 'the joined answer');
    await env.runtime.idle();
    expect(texts()).toEqual(['say something', 'got I would like\na table for two\ntonight']);
    const events = await env.client.db
      .select()
      .from(schema.inboundEvents)
      .where(eq(schema.inboundEvents.numberId, numberId));
    expect(events.map((e) => e.status)).toEqual([
      'processed',
      'processed',
      'processed',
      'processed',
    ]);
    const transcript = await env.client.db
      .select()
      .from(schema.messages)
      .where(eq(schema.messages.numberId, numberId))
      .orderBy(schema.messages.seq);
    expect(transcript.map((m) => `${m.direction}:${m.body}`)).toEqual([
      'in:hi',
      'out:say something',
      'in:I would like',
      'in:a table for two',
      'in:tonight',
      'out:got I would like\na table for two\ntonight',
    ]);
  });
});
