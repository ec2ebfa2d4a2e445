import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blockTypes } from '../schema/schemas.ts';
import { blocks } from './index.ts';
import { metaOf, metas } from './metas.ts';

/** Every module `file` imports, directly or not (relative imports; packages by name). */
function importGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(
    /^(?:import|export)\s[^;]*?from\s+'([^']+)'/gm,
  )) {
    const spec = m[1] ?? '';
    if (spec.startsWith('.')) importGraph(resolve(dirname(file), spec), seen);
    else seen.add(spec);
  }
  return seen;
}

describe('block metas', () => {
  it('import nothing of the engine, the validator or an executor (the web app bundles them)', () => {
    const graph = [...importGraph(fileURLToPath(new URL('./metas.ts', import.meta.url)))];
    const banned = graph.filter((f) =>
      /\/(engine|validate)\/|\.block\.ts$|json-logic|jsonpath|ajv/.test(f),
    );
    expect(banned).toEqual([]);
    expect(graph.filter((f) => f.endsWith('.meta.ts'))).toHaveLength(blockTypes.length);
  });

  it('exist for every block type of the schema, in palette order, and each definition carries its own', () => {
    expect(Object.keys(metas)).toEqual(blockTypes);
    expect(Object.keys(blocks)).toEqual(blockTypes);
    for (const type of blockTypes) {
      expect(metas[type].type).toBe(type);
      expect(blocks[type].meta).toBe(metas[type]);
    }
  });

  it('give a new block of their type whose ports and summary can be drawn', () => {
    for (const type of blockTypes) {
      const node = metas[type].defaults(`${type}_1`);
      expect(node).toMatchObject({ id: `${type}_1`, type });
      expect(() => [metas[type].ports(node), metas[type].summary(node)]).not.toThrow();
    }
  });

  it('read half-filled drafts without throwing, and know no type that is not a block', () => {
    for (const type of blockTypes) {
      const meta = metas[type];
      for (const draft of [
        { type },
        { type, branches: 'x', validation: 3, message: null, assignments: [1] },
      ]) {
        expect(() => [
          meta.ports(draft),
          meta.summary(draft),
          meta.preview?.(draft),
          meta.mainPath?.(draft),
        ]).not.toThrow();
      }
    }
    expect(metaOf('toString')).toBeUndefined();
    expect(metaOf(undefined)).toBeUndefined();
  });
});
