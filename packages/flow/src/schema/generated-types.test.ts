import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateFlowTypes } from '../../scripts/generate.ts';

describe('generated flow types', () => {
  it('match schemas/ (run `npm run gen -w @waflow/flow` after changing a schema)', async () => {
    const checkedIn = readFileSync(new URL('./flow.gen.ts', import.meta.url), 'utf8');
    expect(checkedIn).toBe(await generateFlowTypes());
  });
});
