import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from './client.ts';
import { migrate } from './migrate.ts';
import { createWorkspace, getWorkspace } from './repos/workspaces.ts';

describe('embedded PGlite in a data folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'waflow-pglite-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates the folder, and keeps what was written after it is closed and opened again', async () => {
    const dataDir = join(root, 'nested', 'pglite');
    const first = await createDb({ dataDir });
    expect(first.kind).toBe('pglite');
    await migrate(first);
    const ws = await createWorkspace(first.db, 'Persisted');
    await first.close();

    const second = await createDb({ dataDir });
    await migrate(second);
    expect((await getWorkspace(second.db, ws.id))?.name).toBe('Persisted');
    const [row] = await second.query<{ n: number }>('select count(*)::int as n from workspaces');
    expect(row?.n).toBe(1);
    await second.close();
  });
});
