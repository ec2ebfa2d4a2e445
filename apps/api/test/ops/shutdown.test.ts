// Graceful shutdown of `npm start` (apps/api/src/main.ts) on real Postgres: SIGTERM while a burst
// of messages is being handled exits 0 with nothing half-written (no event left `processing`, no
// reply left `sending`); the events it did not get to are handled after the next start, each once.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, type DbClient } from '@waflow/db';
import { createTestDatabase, freePort, echoFlow } from '@waflow/testkit';

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

describe('npm start on SIGTERM', () => {
  let client: DbClient;
  let dbUrl = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'waflow-shutdown-'));
  const procs: ChildProcess[] = [];

  beforeAll(async () => {
    dbUrl = (await createTestDatabase(inject('pgUrl'))).url;
    client = await createDb({ url: dbUrl });
  });
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await client.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(port: number): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        ...process.env,
        DATABASE_URL: dbUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        WAFLOW_DATA_DIR: dataDir,
        WAFLOW_WEB_DIST: join(dataDir, 'no-web'),
        WAFLOW_WHATSAPP_WORKERS: 'off',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    procs.push(proc);
    await new Promise<void>((resolve, reject) => {
      proc.stdout?.on(
        'data',
        (d: Buffer) => d.toString().includes('waflow is running') && resolve(),
      );
      proc.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it was up`)));
    });
    return proc;
  }

  it(
    'drains, exits 0, leaves nothing half-written, and the next start finishes the rest',
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      const proc = await start(port);
      const base = `http://127.0.0.1:${port}/api/v1`;
      const post = async (path: string, body: unknown, token?: string) => {
        const r = await fetch(base + path, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
        return (await r.json()) as Record<string, unknown>;
      };
      const setup = await post('/setup', {
        email: 'o@acme.test',
        password: 'correct horse battery',
        name: 'O',
        workspaceName: 'Acme',
      });
      const token = setup.accessToken as string;
      const ws = (setup.workspaces as { id: string }[])[0]?.id ?? '';
      const flow = await post(`/workspaces/${ws}/flows`, { name: 'Echo', config: echoFlow }, token);
      const session = await post(`/workspaces/${ws}/flows/${String(flow.id)}/simulator`, {}, token);
      const sid = String(session.sessionId);

      // A burst, and SIGTERM while it is being handled.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          post(`/workspaces/${ws}/simulator/${sid}/messages`, { text: `m${i}` }, token),
        ),
      );
      const exited = new Promise<number | null>((resolve) =>
        proc.once('exit', (code) => resolve(code)),
      );
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);

      const states = await client.query<{ status: string; n: string }>(
        `select status, count(*)::text as n from inbound_events group by status`,
      );
      const count = (s: string) => Number(states.find((r) => r.status === s)?.n ?? 0);
      expect(count('processing')).toBe(0);
      expect(count('failed')).toBe(0);
      expect(count('processed') + count('pending')).toBe(40);
      expect(
        Number(
          (
            await client.query<{ n: string }>(
              `select count(*)::text as n from outbox where status = 'sending'`,
            )
          )[0]?.n,
        ),
      ).toBe(0);

      // The next start picks up what was left and answers each message once.
      const again = await start(port);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [r] = await client.query<{ n: string }>(
          `select count(*)::text as n from inbound_events where status <> 'processed'`,
        );
        if (Number(r?.n) === 0) break;
        if (Date.now() > deadline)
          throw new Error('the restarted process did not finish the pending events');
        await new Promise((res) => setTimeout(res, 100));
      }
      const [outbox] = await client.query<{ n: string; keys: string }>(
        `select count(*)::text as n, count(distinct idempotency_key)::text as keys from outbox`,
      );
      expect(Number(outbox?.n)).toBe(40);
      expect(outbox?.keys).toBe(outbox?.n);
      const stopped = new Promise<number | null>((resolve) =>
        again.once('exit', (code) => resolve(code)),
      );
      again.kill('SIGTERM');
      expect(await stopped).toBe(0);
    },
  );
});
