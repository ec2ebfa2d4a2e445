// A number worker's log lines name the number once: its logger binds numberId, and neither the
// worker, its runtime nor its WhatsApp channel repeats it (pino writes a bound key and a field of
// the same name side by side). The worker runs in-process on real Postgres; its "Chromium" is
// /bin/false, so the channel logs its failed start and its restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { schema, type DbClient } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { readWorkerEnv } from '../../src/workers/env.ts';
import { startNumberWorker, workerLogger } from '../../src/workers/number-worker.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';

describe("a number worker's log", () => {
  let client: DbClient;
  let dataDir: string;
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    dataDir = await mkdtemp(join(tmpdir(), 'worker-log-'));
  });
  afterAll(async () => {
    await client.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('names the number once in every line: worker, runtime and channel', async () => {
    const { numberId } = await seedNumberWithFlow(client, echoFlow);
    await client.db
      .update(schema.numbers)
      .set({ channel: 'whatsapp' })
      .where(eq(schema.numbers.id, numberId));
    // A reply interrupted while sending: the runtime warns about it when it attaches the number.
    await client.db.insert(schema.outbox).values({
      numberId,
      idempotencyKey: `interrupted-${numberId}`,
      payload: { to: '34600000301@c.us', type: 'text', text: 'hi' },
      status: 'sending',
      attempts: 1,
      handedAt: new Date(),
    });
    const env = readWorkerEnv({
      WAFLOW_NUMBER_ID: numberId,
      DATABASE_URL: client.url ?? '',
      WAFLOW_DATA_DIR: dataDir,
      PUPPETEER_EXECUTABLE_PATH: '/bin/false',
      WAFLOW_WA_HEARTBEAT_MS: '60000',
      LOG_LEVEL: 'info',
    });
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const worker = await startNumberWorker(env, { log: workerLogger(env, out) });
    try {
      await waitFor(
        () =>
          [
            'no WAFLOW_SECRET_KEY', // the worker's
            'outbox rows interrupted while sending', // the runtime's, with { numberId }
            'whatsapp client failed to start', // the channel's
            'restarting the whatsapp client',
          ].every((m) => text.includes(m)) || undefined,
        30_000,
        'the worker, runtime and channel lines',
      );
    } finally {
      await worker.stop();
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      expect(line.split('"numberId":').length - 1, line).toBe(1);
      expect((JSON.parse(line) as { numberId?: string }).numberId).toBe(numberId);
    }
  });
});
