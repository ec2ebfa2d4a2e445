import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pino from 'pino';
import { createInProcessCoordinator } from '@waflow/coord';
import type { DbClient } from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import type { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';

const flow = {
  schemaVersion: 1,
  triggers: [{ type: 'any' }],
  variables: [{ name: 'x', type: 'string' }],
  start: 'q',
  nodes: [
    {
      id: 'q',
      type: 'ask',
      prompt: 'Are you there?',
      saveAs: 'x',
      validation: { kind: 'text' },
      timeoutSeconds: 600,
      onTimeout: 'late',
      next: 'ok',
    },
    { id: 'ok', type: 'end', message: 'thanks' },
    { id: 'late', type: 'end', message: 'closing this chat after 10 minutes' },
  ],
};
const texts = (ch: SandboxChannel) =>
  ch.sent.map((s) => (s.message.type === 'text' ? s.message.text : ''));

describe('durable timers', () => {
  let client: DbClient;
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
  });
  afterAll(() => client.close());

  it('fires a 10-minute ask timeout set before a restart after it (clock advanced, not waited)', async () => {
    const { numberId } = await seedNumberWithFlow(client, flow);
    let clock = Date.parse('2026-11-24T10:00:00Z');
    const make = () =>
      new Runtime({
        client,
        coord: createInProcessCoordinator(),
        now: () => clock,
        log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
        pollMs: 60_000,
        outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
      });

    const before = make();
    await before.start();
    const first = await before.attachSandbox(numberId);
    first.deliver({ from: '34600111000@c.us', text: 'hi' });
    await waitFor(() => texts(first).length >= 1 || undefined);
    expect(await before.fireDueTimers()).toBe(0);
    await before.stop();

    clock += 10 * 60_000;
    const after = make();
    await after.start();
    const second = await after.attachSandbox(numberId);
    expect(await after.fireDueTimers()).toBe(1);
    await waitFor(() => texts(second).length >= 1 || undefined);
    expect(texts(second)).toEqual(['closing this chat after 10 minutes']);
    await after.stop();
  });
});
