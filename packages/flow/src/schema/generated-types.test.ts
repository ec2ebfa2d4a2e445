import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedFiles, generateFlowTypes } from '../../scripts/generate.ts';

describe('generated flow types', () => {
  it('match schemas/ (run `npm run gen -w @waflow/flow` after changing a schema)', async () => {
    const checkedIn = readFileSync(new URL('./flow.gen.ts', import.meta.url), 'utf8');
    expect(checkedIn).toBe(await generateFlowTypes());
  });

  it('every file generated from schemas/blocks/ is up to date (run `npm run gen -w @waflow/flow`)', async () => {
    for (const [path, text] of Object.entries(await generatedFiles())) {
      expect(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'), path).toBe(text);
    }
  });
});
