// The fallback browser: where Debian's chromium-headless-shell is not installed a number runs the
// full Chromium (/usr/bin/chromium) with the same flags. It links and answers on the double too.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createInProcessCoordinator, type Coordinator } from '@waflow/coord';
import { schema, type DbClient } from '@waflow/db';
import { chromiumPath } from '@waflow/testkit';
import { Runtime } from '../../src/runtime.ts';
import { CHROMIUM_ARGS, FULL_CHROMIUM_PATH } from '../../src/channels/whatsapp/chromium.ts';
import {
  DOUBLE_CHROMIUM_ARGS,
  doubleClientOptions,
  writeDoubleWebCache,
} from '../wa-double/wa-double.ts';
import { freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';
import {
  channelOnDouble,
  numberRow,
  testLog,
  transitions,
  type ChannelOnDouble,
} from './harness.ts';

const flow = {
  schemaVersion: 1,
  name: 'Echo',
  triggers: [{ type: 'any' }],
  variables: [],
  start: 'hello',
  nodes: [{ id: 'hello', type: 'end', message: 'Hello from the full browser.' }],
};

describe('a number on the full Chromium (the fallback browser)', () => {
  let client: DbClient;
  let coord: Coordinator;
  let runtime: Runtime;
  let wa: ChannelOnDouble;
  let numberId: string;

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    coord = createInProcessCoordinator();
    ({ numberId } = await seedNumberWithFlow(client, flow));
    await client.db
      .update(schema.numbers)
      .set({ channel: 'whatsapp' })
      .where(eq(schema.numbers.id, numberId));
    runtime = new Runtime({
      client,
      coord,
      log: testLog,
      outbox: { pacing: { ratePerSec: 1000, burst: 1000 } },
    });
    await runtime.start();
    const full = chromiumPath(); // installs Debian's chromium when missing
    expect(full).toBe(FULL_CHROMIUM_PATH);
    const dataDir = await mkdtemp(join(tmpdir(), 'wa-full-chromium-'));
    const options = doubleClientOptions(await writeDoubleWebCache(join(dataDir, 'web-cache')));
    wa = await channelOnDouble({
      db: client,
      numberId,
      dataDir,
      egress: runtime.egress,
      overrides: {
        chromium: { executablePath: full, args: [...CHROMIUM_ARGS, ...DOUBLE_CHROMIUM_ARGS] },
        clientOptions: {
          ...options,
          puppeteer: { ...options.puppeteer, headless: true, executablePath: full },
        },
      },
    });
  });

  afterAll(async () => {
    await runtime?.stop();
    await coord?.close();
    await client?.close();
    if (wa) await rm(wa.dataDir, { recursive: true, force: true });
  });

  it('links and answers', async () => {
    await runtime.attach(numberId, wa.channel);
    await waitFor(
      async () => ((await numberRow(client, numberId)).status === 'qr' ? true : undefined),
      30_000,
      'a QR',
    );
    expect(wa.channel.currentClient?.pupBrowser?.process()?.spawnfile).toBe(FULL_CHROMIUM_PATH);
    await wa.double.pair({ me: '15550002222@c.us' });
    await waitFor(
      async () => ((await numberRow(client, numberId)).status === 'ready' ? true : undefined),
      30_000,
      'ready',
    );
    expect(transitions(wa.statuses)).toEqual(['qr', 'authenticated', 'ready']);
    const from = '34600000009@c.us';
    await wa.double.deliverInbound({ from, body: 'hola' });
    const sent = await waitFor(
      async () => {
        const out = (await wa.double.sent()).filter((m) => m.to === from);
        return out.length > 0 ? out : undefined;
      },
      20_000,
      'the reply',
    );
    expect(sent.map((m) => m.body)).toEqual(['Hello from the full browser.']);
  });
});
