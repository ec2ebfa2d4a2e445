// A throwaway real PostgreSQL server for tests: initdb into a temp dir, random loopback port,
// durability off (it is thrown away). Installs Debian's `postgresql` when missing.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackage } from './debian.ts';
import { freePort, waitForPort } from './ports.ts';

export interface PostgresServer {
  /** Connection URL of the `postgres` database (superuser, trust auth). */
  url: string;
  port: number;
  /** A URL for another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

function findPgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

function uidGid(user: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

async function waitUntilAccepting(bin: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      execFileSync(
        join(bin, 'pg_isready'),
        ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'],
        {
          stdio: 'ignore',
        },
      );
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL on port ${port} did not accept connections in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface StartPostgresOptions {
  /** Loads pg_stat_statements (every statement, nested ones too): benchmarks print where the server's time went. */
  statementStats?: boolean;
}

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = ensureDebianPackage('postgresql', findPgBin);
  const dir = mkdtempSync(join(tmpdir(), 'waflow-pg-'));
  const dataDir = join(dir, 'data');
  // PostgreSQL refuses to run as root: run it as the `postgres` user the package creates.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? uidGid('postgres') : undefined;
  if (asRoot && !owner)
    throw new Error('Running as root but there is no "postgres" user to run PostgreSQL as');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const ids = owner ? { uid: owner.uid, gid: owner.gid } : {};

  execFileSync(
    join(bin, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-sync',
      '--no-instructions',
    ],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  );

  const port = await freePort();
  const child: ChildProcess = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
      '-c',
      'shared_buffers=128MB',
      ...(opts.statementStats
        ? [
            '-c',
            'shared_preload_libraries=pg_stat_statements',
            '-c',
            'pg_stat_statements.track=all',
            '-c',
            'pg_stat_statements.track_planning=on',
          ]
        : []),
    ],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, 30_000, 'PostgreSQL');
    // The port opens while the server still says "the database system is starting up".
    await waitUntilAccepting(bin, port, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`, { cause: err });
  }

  const urlFor = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  return {
    url: urlFor('postgres'),
    port,
    urlFor,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT'); // fast shutdown
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
