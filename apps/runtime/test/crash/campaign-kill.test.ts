// Crash safety of a campaign, asserted from the tables and from what the channel sent: a runtime
// process is SIGKILLed at random points (6 times) while a 1,000-recipient campaign sends; each new
// process picks up where the last died. No recipient gets two messages, none is left out.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DbClient } from '@waflow/db';
import { askThenEndFlow, freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import { createCampaign, seedContacts } from '../campaigns/campaign-fixtures.ts';
import { kill, startChild, type Child } from './child-process.ts';

const RECIPIENTS = 1000;
const script = fileURLToPath(new URL('./campaign-child.ts', import.meta.url));

describe('a campaign whose runtime is killed at random points', () => {
  let client: DbClient;
  const children: Child[] = [];
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
  });
  afterAll(async () => {
    for (const c of children) await kill(c);
    await client.close();
  });

  it(
    'continues after each restart: every recipient sent to once, none twice, none skipped',
    { timeout: 300_000 },
    async () => {
      const { workspaceId, numberId } = await seedNumberWithFlow(client, askThenEndFlow);
      await seedContacts(client, workspaceId, numberId, RECIPIENTS);
      const id = await createCampaign(client, {
        workspaceId,
        numberIds: [numberId],
        content: { kind: 'message', text: 'campaign' },
        settings: { pacing: { perMinute: 6000, jitter: 0.5, dailyCap: null, window: null } },
      });
      // Each child appends what its channel sent to this file synchronously, before the outbox can
      // mark the row sent: a SIGKILL cannot lose a line (an IPC message still in flight it could).
      const sentLog = join(mkdtempSync(join(tmpdir(), 'ckill-')), 'sent.log');
      const env = {
        DATABASE_URL: client.url ?? '',
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: `ckill${Date.now()}:`,
        NUMBER_ID: numberId,
        SENT_LOG: sentLog,
      };
      let seed = 11;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const handed = async () =>
        (
          await client.query<{ n: number }>(
            `select count(*)::int as n from campaign_recipients where campaign_id = $1 and queued_at is not null`,
            [id],
          )
        )[0]?.n ?? 0;
      let kills = 0;
      for (let round = 0; round < 6; round++) {
        const child = startChild(env, script);
        children.push(child);
        await child.ready;
        const before = await handed();
        // Killed mid-campaign: once it has handed over a few more, after a random while.
        await waitFor(
          async () => ((await handed()) > before + 20 ? true : undefined),
          60_000,
          'progress',
        );
        await new Promise((r) => setTimeout(r, random() * 300));
        await kill(child);
        kills++;
      }
      expect(kills).toBeGreaterThanOrEqual(5);
      expect(await handed()).toBeLessThan(RECIPIENTS);
      const last = startChild(env, script);
      children.push(last);
      await last.ready;
      await waitFor(
        async () => {
          const [row] = await client.query<{ status: string }>(
            `select status::text from campaigns where id = $1`,
            [id],
          );
          return row?.status === 'completed' ? true : undefined;
        },
        180_000,
        'the campaign to complete',
      );

      const rows = await client.query<{
        wa_id: string;
        status: string;
        outbox: number;
        reason: string | null;
      }>(
        `select r.wa_id, r.status::text, r.reason,
         (select count(*)::int from outbox o where o.idempotency_key = 'campaign:' || r.id) as outbox
       from campaign_recipients r where r.campaign_id = $1`,
        [id],
      );
      expect(rows).toHaveLength(RECIPIENTS);
      // None skipped or left behind: each has its one outbox row, sent (or, when the process died
      // with it in the channel's hands, failed with the reason rather than risked twice).
      expect(rows.filter((r) => r.outbox !== 1)).toEqual([]);
      expect(rows.filter((r) => r.status !== 'sent' && r.status !== 'failed')).toEqual([]);
      const failed = rows.filter((r) => r.status === 'failed');
      expect(failed.length).toBeLessThanOrEqual(kills);
      expect(failed.every((r) => (r.reason ?? '') !== '')).toBe(true);
      // The channel sent each at most once.
      const sends = new Map<string, number>();
      for (const to of readFileSync(sentLog, 'utf8').split('\n').filter(Boolean))
        sends.set(to, (sends.get(to) ?? 0) + 1);
      expect([...sends.values()].filter((n) => n > 1)).toEqual([]);
      // Every recipient the tables call sent was sent by the channel, once.
      expect(rows.filter((x) => x.status === 'sent' && !sends.has(x.wa_id))).toEqual([]);
      for (const r of rows.filter((x) => x.status === 'sent' && sends.has(x.wa_id)))
        expect(sends.get(r.wa_id)).toBe(1);
    },
  );
});
