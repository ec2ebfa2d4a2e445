import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from '../migrate.ts';

const pkgDir = fileURLToPath(new URL('../../', import.meta.url));

describe('checked-in migrations', () => {
  it('match the drizzle schema (run `npm run db:generate -w @waflow/db` after changing it)', () => {
    const out = mkdtempSync(join(tmpdir(), 'waflow-drift-'));
    try {
      cpSync(migrationsFolder, out, { recursive: true });
      const before = readdirSync(out).sort();
      // drizzle-kit takes the out folder relative to the config (it prefixes "./").
      const output = execFileSync(
        'npx',
        ['drizzle-kit', 'generate', '--config', 'drizzle.config.ts', '--name', 'drift'],
        {
          cwd: pkgDir,
          env: { ...process.env, WAFLOW_MIGRATIONS_OUT: relative(pkgDir, out) },
          stdio: 'pipe',
        },
      ).toString();
      expect(output).toMatch(/No schema changes/);
      expect(readdirSync(out).sort()).toEqual(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
