// `npm start` (apps/api/src/main.ts) on a port another program holds: one line saying which
// variable to set, exit code 1, and nothing started — no database folder, no secret key, no
// runtime or workers (it checks the port before anything else).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@waflow/testkit';

const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

describe('npm start on a port in use', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'waflow-port-'));
  let holder: Server | undefined;
  afterAll(async () => {
    await new Promise<void>((r) => (holder ? holder.close(() => r()) : r()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says in one line that the port is taken and to set PORT, exits 1, and starts nothing', async () => {
    const port = await freePort();
    const server = createServer();
    holder = server;
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      WAFLOW_DATA_DIR: dataDir,
      WAFLOW_WEB_DIST: join(dataDir, 'no-web'),
      WAFLOW_WHATSAPP_WORKERS: 'off',
      LOG_LEVEL: 'info',
    };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const proc = spawn(process.execPath, ['--import', 'tsx', main], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Bounded: a start that went on to migrate and serve would not exit at all.
    const code = await new Promise<number | null | 'still running'>((resolve) => {
      const bound = setTimeout(() => {
        proc.kill('SIGKILL');
        resolve('still running');
      }, 30_000);
      proc.once('exit', (c) => {
        clearTimeout(bound);
        resolve(c);
      });
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^waflow cannot start: Port ${port} on 127\\.0\\.0\\.1 is already in use .*set PORT to a free port`,
        ),
      ),
    ]);
    expect(stdout).toBe('');
    // Nothing was created in the data folder: no PGlite database, no generated secret key.
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
