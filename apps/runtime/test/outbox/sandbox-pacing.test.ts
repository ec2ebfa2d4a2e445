// Pacing per channel on real Postgres, on the runtime's default outbox options (1 message/s,
// bursts of 3) and a clock that only the test moves: the sandbox (the simulator's channel) answers
// a quick run of messages without the clock moving; another channel keeps the runtime's pacing.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { createInProcessCoordinator, type Coordinator } from '@waflow/coord';
import { schema, type DbClient } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';
import { defaultOutboxOptions } from '../../src/outbox/outbox-sender.ts';
import { Runtime } from '../../src/runtime.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';

const T0 = Date.UTC(2030, 0, 1);

describe('pacing per channel', () => {
  let client: DbClient;
  let coord: Coordinator;
  let runtime: Runtime;
  let clock = T0;
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    coord = createInProcessCoordinator();
    // No `outbox` option: the defaults WhatsApp numbers get.
    runtime = new Runtime({
      client,
      coord,
      now: () => clock,
      log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime.stop();
    await coord.close();
    await client.close();
  });

  const deliverAll = (ch: SandboxChannel, from: string, n: number) => {
    for (let i = 0; i < n; i++) ch.deliver({ from, text: `#${i}` });
  };
  const queued = async (numberId: string) =>
    (
      await client.db
        .select({ status: schema.outbox.status })
        .from(schema.outbox)
        .where(eq(schema.outbox.numberId, numberId))
    ).filter((r) => r.status === 'queued').length;

  it('the sandbox answers twelve quick messages while the clock stands still', async () => {
    expect(defaultOutboxOptions.pacing).toEqual({ ratePerSec: 1, burst: 3 });
    const { numberId } = await seedNumberWithFlow(client, echoFlow);
    const sandbox = await runtime.attachSandbox(numberId);
    const from = '34600000201@c.us';
    deliverAll(sandbox, from, 12);
    // Paced like WhatsApp, only the first 3 could go out before the clock moved.
    await waitFor(() => sandbox.sent.length >= 12 || undefined, 30_000, 'twelve replies');
    expect(clock).toBe(T0);
    expect(sandbox.sent.map((s) => (s.message.type === 'text' ? s.message.text : ''))).toEqual([
      'say something',
      ...Array.from({ length: 11 }, (_, i) => `got #${i + 1}`),
    ]);
    expect(await queued(numberId)).toBe(0);
  });

  it('a channel attached without pacing of its own keeps the runtime’s: the rest waits for the clock', async () => {
    const { numberId } = await seedNumberWithFlow(client, echoFlow);
    const channel = new SandboxChannel(numberId);
    await runtime.attach(numberId, channel);
    const from = '34600000202@c.us';
    deliverAll(channel, from, 5);
    await waitFor(
      async () => (channel.sent.length >= 3 && (await queued(numberId)) === 2) || undefined,
      30_000,
      'three replies sent and two queued',
    );
    await runtime.idle();
    expect(channel.sent).toHaveLength(3);
    // Two seconds later by the clock, two more tokens: the rest goes out.
    clock += 2_000;
    await waitFor(() => channel.sent.length >= 5 || undefined, 30_000, 'the other two replies');
    expect(channel.sent).toHaveLength(5);
  });
});
