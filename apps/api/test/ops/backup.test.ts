// scripts/backup.sh and scripts/restore.sh on real Postgres: an installation with a conversation
// under way, a WhatsApp session archive (encrypted with the generated key) and received media is
// backed up, restored into an empty database and a fresh data folder, and the restored instance
// (`npm start`, apps/api/src/main.ts) signs the owner in, decrypts the session and carries the
// conversation on where it was. The embedded database (no DATABASE_URL) goes the same way.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createDb, loadKeyring, loadSessionArchive, saveSessionArchive } from '@waflow/db';
import { createTestDatabase, freePort, echoFlow } from '@waflow/testkit';

const run = promisify(execFile);
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const scripts = fileURLToPath(new URL('../../../../scripts/', import.meta.url));
const owner = { email: 'o@acme.test', password: 'correct horse battery' };

const tmp = mkdtempSync(join(tmpdir(), 'waflow-backup-'));
const procs: ChildProcess[] = [];
afterAll(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** `npm start` on a database (or the embedded one) and a data folder; resolves once it listens. */
async function start(dataDir: string, dbUrl: string | undefined) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    WAFLOW_DATA_DIR: dataDir,
    WAFLOW_WEB_DIST: join(tmp, 'no-web'),
    WAFLOW_WHATSAPP_WORKERS: 'off',
    LOG_LEVEL: 'warn',
  };
  delete env.WAFLOW_SECRET_KEY;
  if (dbUrl) env.DATABASE_URL = dbUrl;
  else delete env.DATABASE_URL;
  const proc = spawn(process.execPath, ['--import', 'tsx', main], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(proc);
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => d.toString().includes('waflow is running') && resolve());
    proc.once('exit', (code) =>
      reject(new Error(`npm start exited (${code}) before it was up: ${stderr}`)),
    );
  });
  const base = `http://127.0.0.1:${port}/api/v1`;
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(base + path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await r.json().catch(() => ({}))) as Record<string, unknown>;
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const stop = async () => {
    const exited = new Promise<number | null>((resolve) =>
      proc.once('exit', (code) => resolve(code)),
    );
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  };
  return { call, stop };
}

type Api = Awaited<ReturnType<typeof start>>;

/** The bot's replies in the simulator session, oldest first, read through the transcript API. */
async function botReplies(
  api: Api,
  token: string,
  ws: string,
  sid: string,
  count: number,
): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const list = (await api.call(
      'GET',
      `/workspaces/${ws}/conversations?numberId=${sid}`,
      undefined,
      token,
    )) as { items?: { id: string }[] };
    const conv = list.items?.[0];
    if (conv) {
      const t = (await api.call(
        'GET',
        `/workspaces/${ws}/conversations/${conv.id}`,
        undefined,
        token,
      )) as { messages?: { direction: string; body: string | null }[] };
      const out = (t.messages ?? []).filter((m) => m.direction === 'out').map((m) => m.body ?? '');
      if (out.length >= count) return out;
    }
    if (Date.now() > deadline) throw new Error(`fewer than ${count} bot replies after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sets up an owner, a flow with a simulator conversation under way, a number, media. */
async function populate(api: Api) {
  const setup = await api.call('POST', '/setup', { ...owner, name: 'O', workspaceName: 'Acme' });
  const token = setup.accessToken as string;
  const ws = (setup.workspaces as { id: string }[])[0]?.id ?? '';
  const flow = await api.call(
    'POST',
    `/workspaces/${ws}/flows`,
    { name: 'Echo', config: echoFlow },
    token,
  );
  const sid = String(
    (await api.call('POST', `/workspaces/${ws}/flows/${String(flow.id)}/simulator`, {}, token))
      .sessionId,
  );
  await api.call('POST', `/workspaces/${ws}/simulator/${sid}/messages`, { text: 'hello' }, token);
  expect(await botReplies(api, token, ws, sid, 1)).toEqual(['say something']);
  await api.call(
    'POST',
    `/workspaces/${ws}/simulator/${sid}/messages`,
    { text: 'before the backup' },
    token,
  );
  expect(await botReplies(api, token, ws, sid, 2)).toEqual([
    'say something',
    'got before the backup',
  ]);
  const number = await api.call(
    'POST',
    `/workspaces/${ws}/numbers`,
    { label: 'Sales', channel: 'whatsapp' },
    token,
  );
  return { ws, sid, numberId: String(number.id) };
}

/** After the restore: sign in, and the conversation answers where it was. */
async function carriesOn(api: Api, ws: string, sid: string) {
  const login = await api.call('POST', '/auth/login', owner);
  const token = login.accessToken as string;
  await api.call(
    'POST',
    `/workspaces/${ws}/simulator/${sid}/messages`,
    { text: 'after the restore' },
    token,
  );
  expect(await botReplies(api, token, ws, sid, 3)).toEqual([
    'say something',
    'got before the backup',
    'got after the restore',
  ]);
}

describe('backup and restore scripts', () => {
  it(
    'restore a Postgres database, the key and the media into a fresh data folder; the restored instance answers',
    { timeout: 180_000 },
    async () => {
      const server = inject('pgUrl');
      const a = await createTestDatabase(server, 'backup_a');
      const b = await createTestDatabase(server, 'backup_b');
      const dataA = join(tmp, 'a');
      const dataB = join(tmp, 'b');
      const backup = join(tmp, 'backup-pg');

      const apiA = await start(dataA, a.url);
      const { ws, sid, numberId } = await populate(apiA);
      await apiA.stop();
      // The number's WhatsApp session, encrypted with the key generated in data folder A, and a
      // received media file.
      const archive = Buffer.from(`a session archive ${Math.random()}`);
      const clientA = await createDb({ url: a.url });
      await saveSessionArchive(
        clientA.db,
        loadKeyring(undefined, dataA).keyring,
        numberId,
        archive,
      );
      await clientA.close();
      mkdirSync(join(dataA, 'media'), { recursive: true });
      writeFileSync(join(dataA, 'media', 'photo.jpg'), 'jpeg bytes');

      await run('bash', [join(scripts, 'backup.sh'), backup], {
        env: { ...process.env, DATABASE_URL: a.url, WAFLOW_DATA_DIR: dataA },
      });
      expect(statSync(join(backup, 'secret.key')).mode & 0o077).toBe(0);

      // A different key in the target folder is refused before anything is touched.
      mkdirSync(dataB, { recursive: true });
      writeFileSync(join(dataB, 'secret.key'), 'k1:another\n');
      const refused = await run('bash', [join(scripts, 'restore.sh'), backup], {
        env: { ...process.env, DATABASE_URL: b.url, WAFLOW_DATA_DIR: dataB },
      }).catch((e: { stderr: string }) => e);
      expect((refused as { stderr: string }).stderr).toMatch(/secret\.key exists and differs/);
      rmSync(dataB, { recursive: true });

      await run('bash', [join(scripts, 'restore.sh'), backup], {
        env: { ...process.env, DATABASE_URL: b.url, WAFLOW_DATA_DIR: dataB },
      });
      expect(readFileSync(join(dataB, 'media', 'photo.jpg'), 'utf8')).toBe('jpeg bytes');
      const clientB = await createDb({ url: b.url });
      expect(
        await loadSessionArchive(clientB.db, loadKeyring(undefined, dataB).keyring, numberId),
      ).toEqual(archive);
      await clientB.close();

      const apiB = await start(dataB, b.url);
      await carriesOn(apiB, ws, sid);
      await apiB.stop();
      await a.drop();
      await b.drop();
    },
  );

  it(
    'restore the embedded database into an empty data folder; the restored instance answers',
    { timeout: 180_000 },
    async () => {
      const dataA = join(tmp, 'embedded-a');
      const dataB = join(tmp, 'embedded-b');
      const backup = join(tmp, 'backup-embedded');
      const apiA = await start(dataA, undefined);
      const { ws, sid } = await populate(apiA);
      await apiA.stop();

      await run('bash', [join(scripts, 'backup.sh'), backup], {
        env: { ...process.env, DATABASE_URL: '', WAFLOW_DATA_DIR: dataA },
      });
      const refused = await run('bash', [join(scripts, 'restore.sh'), backup], {
        env: { ...process.env, DATABASE_URL: '', WAFLOW_DATA_DIR: dataA },
      }).catch((e: { stderr: string }) => e);
      expect((refused as { stderr: string }).stderr).toMatch(/is not empty/);
      await run('bash', [join(scripts, 'restore.sh'), backup], {
        env: { ...process.env, DATABASE_URL: '', WAFLOW_DATA_DIR: dataB },
      });
      expect(existsSync(join(dataB, 'secret.key'))).toBe(true);

      const apiB = await start(dataB, undefined);
      await carriesOn(apiB, ws, sid);
      await apiB.stop();
    },
  );
});
