import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '@waflow/testkit';
import { createDb } from './client.ts';
import { migrate, migrationsFolder } from './migrate.ts';
import { readdirSync } from 'node:fs';

const runner = fileURLToPath(new URL('./migrate-cli.ts', import.meta.url));

function migrateInChild(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('migrations on real Postgres', () => {
  it('apply from empty, then again without error', async () => {
    const db = await createTestDatabase(inject('pgUrl'));
    const client = await createDb({ url: db.url });
    await migrate(client);
    await migrate(client);
    const tables = await client.query<{ n: number }>(
      `select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
    );
    expect(tables[0]?.n).toBeGreaterThanOrEqual(20);
    await client.close();
  });

  it('apply from two processes at once without error', async () => {
    const db = await createTestDatabase(inject('pgUrl'));
    const [a, b] = await Promise.all([migrateInChild(db.url), migrateInChild(db.url)]);
    expect(a, a.output).toMatchObject({ code: 0 });
    expect(b, b.output).toMatchObject({ code: 0 });
    const client = await createDb({ url: db.url });
    const applied = await client.query<{ n: number }>(
      'select count(*)::int as n from drizzle.__drizzle_migrations',
    );
    expect(applied[0]?.n).toBe(
      readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).length,
    );
    await client.close();
  });
});
