// A throwaway real Redis server for tests on a random loopback port, nothing kept on disk.
// Installs Debian's `redis-server` when missing. `stop()` then `start()` keeps the same port,
// for tests of Redis going away mid-run.
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureDebianPackage, firstExisting } from './debian.ts';
import { freePort, waitForPort } from './ports.ts';

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (the port stays reserved for this server). */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const bin = ensureDebianPackage('redis-server', () =>
    firstExisting(['/usr/bin/redis-server', '/usr/local/bin/redis-server']),
  );
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    child = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: 'ignore' },
    );
    await waitForPort(port, 15_000, 'Redis');
  }

  async function stop(): Promise<void> {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (c.exitCode === null) c.kill('SIGKILL');
  }

  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}
