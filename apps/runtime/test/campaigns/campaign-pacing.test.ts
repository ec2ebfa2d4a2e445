// Pacing on a fake clock: the runtime's campaign loop is ticked by the test, its clock moved to
// each instant the pacer names (or a minute on). The measured hand-over times of the recipients
// respect the rate with its jitter, the send window in the campaign's time zone and the daily cap
// (which carries the rest over a DST change); a scheduled campaign starts at its local time.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import pino from 'pino';
import { zonedToInstant } from '@waflow/campaign';
import { createInProcessCoordinator } from '@waflow/coord';
import { schema, type DbClient } from '@waflow/db';
import { Runtime } from '../../src/runtime.ts';
import { askThenEndFlow, freshDatabase, seedNumberWithFlow } from '../fixtures.ts';
import { campaignStatus, createCampaign, seedContacts } from './campaign-fixtures.ts';

const TZ = 'Europe/Madrid';

describe('campaign pacing on a fake clock', () => {
  let client: DbClient;
  let runtime: Runtime;
  let clock = Date.parse('2026-03-28T06:30:00Z'); // 07:30 in Madrid (CET), the day before DST
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const coord = createInProcessCoordinator();
  let ws = '';
  let numberId = '';

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    ({ workspaceId: ws, numberId } = await seedNumberWithFlow(client, askThenEndFlow));
    runtime = new Runtime({
      client,
      coord,
      now: () => clock,
      random,
      pollMs: 3_600_000, // the test ticks
      recoverMs: 3_600_000,
      outbox: { pacing: { ratePerSec: 100_000, burst: 100_000 } },
      log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    });
    await runtime.start();
    await runtime.attachSandbox(numberId);
  });
  afterAll(async () => {
    await runtime.stop();
    await coord.close();
    await client.close();
  });

  /** Ticks until `done`, moving the clock to the pacer's next instant (at most `maxTicks`). */
  const run = async (done: () => Promise<boolean>, maxTicks = 2_000) => {
    for (let i = 0; i < maxTicks && !(await done()); i++) {
      const { nextAt } = await runtime.campaigns.tick();
      clock = nextAt !== null && nextAt > clock ? nextAt : clock + 60_000;
    }
  };

  it('keeps the rate, the jitter, the window and the daily cap, across a DST change', async () => {
    await seedContacts(client, ws, numberId, 12);
    const pacing = {
      perMinute: 2,
      jitter: 0.5,
      dailyCap: 8,
      window: { start: '09:00', end: '10:00' },
    };
    const id = await createCampaign(client, {
      workspaceId: ws,
      numberIds: [numberId],
      content: { kind: 'message', text: 'hello' },
      settings: { pacing },
      timeZone: TZ,
    });
    await run(async () => (await campaignStatus(client, id)) === 'completed');
    const sent = await client.db
      .select({ at: schema.campaignRecipients.queuedAt })
      .from(schema.campaignRecipients)
      .where(eq(schema.campaignRecipients.campaignId, id))
      .orderBy(asc(schema.campaignRecipients.queuedAt));
    const times = sent.map((s) => s.at?.getTime() ?? NaN);
    expect(times).toHaveLength(12);
    const local = (t: number) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: TZ,
        dateStyle: 'short',
        timeStyle: 'short',
      }).format(t);
    // Day 1 (CET): 8 sends from 09:00 local (08:00Z), the cap; day 2 (CEST) the other 4 from 09:00
    // local, now 07:00Z.
    expect(new Date(times[0] ?? 0).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(new Date(times[8] ?? 0).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    for (const t of times) {
      const hm = local(t).slice(-5);
      expect(hm >= '09:00' && hm < '10:00', `${local(t)} is inside 09:00-10:00 Madrid`).toBe(true);
    }
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    const sameDay = gaps.filter((_, i) => i !== 7);
    // 2 a minute: 30 s apart, jittered ±50% → 15–45 s, and really jittered (not all equal).
    for (const g of sameDay) {
      expect(g).toBeGreaterThanOrEqual(15_000);
      expect(g).toBeLessThanOrEqual(45_000);
    }
    expect(new Set(sameDay).size).toBeGreaterThan(3);
  });

  it('starts a scheduled campaign at its local time on the day clocks move forward', async () => {
    clock = Date.parse('2026-03-29T06:00:00Z');
    await seedContacts(client, ws, numberId, 1, '3490');
    const startsAt = zonedToInstant('2026-03-29', 9 * 60, TZ); // 09:00 CEST = 07:00Z
    expect(new Date(startsAt).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    const id = await createCampaign(client, {
      workspaceId: ws,
      numberIds: [numberId],
      content: { kind: 'message', text: 'scheduled' },
      settings: { pacing: { perMinute: 60, jitter: 0, dailyCap: null, window: null } },
      timeZone: TZ,
      scheduledAt: new Date(startsAt),
    });
    clock = startsAt - 1;
    await runtime.campaigns.tick();
    expect(await campaignStatus(client, id)).toBe('scheduled');
    clock = startsAt;
    await runtime.campaigns.tick();
    expect(await campaignStatus(client, id)).not.toBe('scheduled');
    const [c] = await client.db.select().from(schema.campaigns).where(eq(schema.campaigns.id, id));
    expect(c?.startedAt?.toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });
});
