// Analytics, table-driven: scripted conversations through the runtime (branches, an invalid
// answer retried, drop-offs, handoffs) give exactly the expected per-block counts on the canvas
// and figures on the Overview, and the messages counted equal the transcripts.
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { canvasFigures, dashboardFigures, executeRows, schema } from '@waflow/db';
import type { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';
import { shopFlow, shopScripts } from '@waflow/testkit';
import { seedNumberWithFlow, useRuntimeOnClock, waitFor } from '../fixtures.ts';

const expectedBlocks = [
  { nodeId: 'bye', entered: 1, left: 1, stopped: 0, dropOffPct: 0, invalid: 0, exits: { '': 1 } },
  { nodeId: 'help', entered: 1, left: 0, stopped: 1, dropOffPct: 100, invalid: 0, exits: {} },
  { nodeId: 'human', entered: 1, left: 0, stopped: 1, dropOffPct: 100, invalid: 0, exits: {} },
  {
    nodeId: 'menu',
    entered: 5,
    left: 4,
    stopped: 1,
    dropOffPct: 20,
    invalid: 3,
    exits: { sales: 2, help: 1, human: 1 },
  },
  {
    nodeId: 'sales',
    entered: 2,
    left: 1,
    stopped: 1,
    dropOffPct: 50,
    invalid: 0,
    exits: { bye: 1 },
  },
];

const T0 = Date.parse('2026-11-24T10:00:00Z');
const STEP_MS = 10_000;

describe('analytics of scripted conversations', () => {
  let clock = T0;
  const env = useRuntimeOnClock(() => clock);

  it('counts every block, edge, conversation and message as the scripts went', async () => {
    const { workspaceId, flowId, numberId, versionId } = await seedNumberWithFlow(
      env.client,
      shopFlow,
    );
    const channel: SandboxChannel = await env.runtime.attachSandbox(numberId);
    const sentTo = (c: string) => channel.sent.filter((s) => s.message.to.startsWith(c)).length;
    for (const s of shopScripts) {
      let replies = 0;
      for (const [text, expected] of s.says) {
        clock += STEP_MS;
        channel.deliver({ from: `${s.contact}@c.us`, text });
        replies += expected;
        await waitFor(
          () => sentTo(s.contact) >= replies || undefined,
          15_000,
          `${s.contact}: ${text}`,
        );
      }
    }

    const range = { from: new Date(T0 - 3_600_000), to: new Date(T0 + 86_400_000) };
    const canvas = await canvasFigures(env.client.db, {
      workspaceId,
      flowId,
      versionIds: [versionId],
      ...range,
    });
    expect(canvas.blocks.map(({ medianMs: _m, httpFailed: _h, ...b }) => b)).toEqual(
      expectedBlocks,
    );
    expect(canvas.edges).toEqual([
      { from: 'menu', to: 'help', count: 1 },
      { from: 'menu', to: 'human', count: 1 },
      { from: 'menu', to: 'sales', count: 2 },
      { from: 'sales', to: 'bye', count: 1 },
    ]);
    // Left after 10 s (ann, bob) and 20 s (cid, eve): the median is read inside the 5–10 s bucket.
    expect(canvas.blocks.find((b) => b.nodeId === 'menu')?.medianMs).toBe(10_000);

    const dash = await dashboardFigures(env.client.db, {
      workspaceId,
      timezone: 'UTC',
      ...range,
    });
    expect(dash.days.map((d) => d.day)).toEqual(['2026-11-24', '2026-11-25']);
    const { medianReplyMs, ...totals } = dash.totals;
    expect(totals).toEqual({
      messagesIn: 12,
      messagesOut: 12,
      started: 5,
      completed: 1,
      abandoned: 0,
      completionRate: 20,
      handoffs: 2,
      failedSends: 0,
    });
    expect(medianReplyMs).not.toBeNull();
    expect(dash.days[0]).toMatchObject({ messagesIn: 12, started: 5 });
    expect(dash.days[1]).toMatchObject({ messagesIn: 0, started: 0, completionRate: null });

    // Days are the workspace's: at UTC+14 the morning's conversations fall on the next day.
    const kiritimati = await dashboardFigures(env.client.db, {
      workspaceId,
      timezone: 'Pacific/Kiritimati',
      ...range,
    });
    expect(kiritimati.days.find((d) => d.started > 0)).toMatchObject({
      day: '2026-11-25',
      started: 5,
    });

    // The counts are the transcripts'.
    const [lines] = await executeRows<{ ins: number; outs: number }>(
      env.client.db,
      sql`select count(*) filter (where direction = 'in')::int as ins, count(*) filter (where direction = 'out')::int as outs
          from ${schema.messages} where workspace_id = ${workspaceId}`,
    );
    expect({ in: lines?.ins, out: lines?.outs }).toEqual({ in: 12, out: 12 });

    // Per flow and per number, the same; another number's figures are empty.
    const perFlow = await dashboardFigures(env.client.db, {
      workspaceId,
      timezone: 'UTC',
      flowId,
      numberId,
      ...range,
    });
    expect(perFlow.totals.messagesIn).toBe(12);
    expect(perFlow.numbers.map((n) => n.id)).toEqual([numberId]);
  });

  it('counts a reply that failed for good once, as a failed send of its day', async () => {
    const { workspaceId, numberId } = await seedNumberWithFlow(env.client, shopFlow);
    const channel = await env.runtime.attachSandbox(numberId);
    channel.failNext = { count: 1, transient: false };
    channel.deliver({ from: 'fay@c.us', text: 'hi' });
    // The sender fails the reply at the machine's time, the turn ran at the test's clock: both in range.
    const range = { from: new Date(T0 - 3_600_000), to: new Date(Date.now() + 86_400_000) };
    const totals = await waitFor(
      async () => {
        const d = await dashboardFigures(env.client.db, { workspaceId, timezone: 'UTC', ...range });
        return d.totals.failedSends > 0 ? d.totals : undefined;
      },
      15_000,
      'the failure counted',
    );
    expect(totals).toMatchObject({ failedSends: 1, messagesOut: 1, started: 1 });
  });
});
