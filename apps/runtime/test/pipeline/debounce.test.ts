// A flow's debounce joins a burst of quick messages answering a question into one answer, once
// the contact has been quiet for the debounce time (clock advanced by the test, not waited).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { createInProcessCoordinator, type Coordinator } from '@waflow/coord';
import { schema, type DbClient } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { Runtime } from '../../src/runtime.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';

// The echo flow (one reply per answer), joining bursts that arrive within 1.5 s.
const flow = { ...echoFlow, settings: { debounceMs: 1500 } };

describe('debounce', () => {
  let client: DbClient;
  let coord: Coordinator;
  let runtime: Runtime;
  let clock = Date.now() - 60_000;
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    coord = createInProcessCoordinator();
    runtime = new Runtime({ client, coord, now: () => clock, recoverMs: 60_000, outbox: { pacing: { ratePerSec: 10_000, burst: 10_000 } }, log: pino({ level: 'silent' }) });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime.stop();
    await coord.close();
    await client.close();
  });

  it('joins a split answer into one input and replies once, after the contact is quiet', async () => {
    const { numberId } = await seedNumberWithFlow(client, flow);
    const sandbox = await runtime.attachSandbox(numberId);
    const from = '34600000777@c.us';
    const texts = () => sandbox.sent.filter((s) => s.message.to === from).map((s) => (s.message.type === 'text' ? s.message.text : ''));

    // The first message starts the conversation (no question is waiting yet): answered at once.
    sandbox.deliver({ from, text: 'hi' });
    await waitFor(() => (texts().length === 1 ? true : undefined), 15_000, 'the question');
    expect(texts()).toEqual(['say something']);

    // The clock stands at the burst's arrival (rows are stamped by the database's clock).
    clock = Date.now();
    for (const part of ['I would like', 'a table for two', 'tonight']) await runtime.receive(numberId, { messageId: `m-${part}`, from, type: 'text', text: part, timestamp: clock });
    await runtime.idle();
    // Still inside the debounce window (the clock stands still): nothing answered yet.
    const queued = await client.db.select().from(schema.outbox).where(eq(schema.outbox.numberId, numberId));
    expect(queued).toHaveLength(1);

    clock += 1_600;
    await runtime.scheduler.recover([numberId]);
    await waitFor(() => (texts().length === 2 ? true : undefined), 15_000, 'the joined answer');
    await runtime.idle();
    expect(texts()).toEqual(['say something', 'got I would like\na table for two\ntonight']);
    const events = await client.db.select().from(schema.inboundEvents).where(eq(schema.inboundEvents.numberId, numberId));
    expect(events.map((e) => e.status)).toEqual(['processed', 'processed', 'processed', 'processed']);
    const transcript = await client.db.select().from(schema.messages).where(eq(schema.messages.numberId, numberId)).orderBy(schema.messages.seq);
    expect(transcript.map((m) => `${m.direction}:${m.body}`)).toEqual(['in:hi', 'out:say something', 'in:I would like', 'in:a table for two', 'in:tonight', 'out:got I would like\na table for two\ntonight']);
  });
});
