import { describe, expect, it } from 'vitest';
import type { FlowConfig } from './graph.ts';
import { START_ID, tidyPositions } from './layout.ts';

const flow = (nodes: FlowConfig['nodes'], start = 'ask'): FlowConfig => ({
  start,
  nodes,
  triggers: [],
  variables: [],
});
const overlaps = (p: Record<string, { x: number; y: number }>) => {
  const all = Object.entries(p);
  return all.some(([, pa], i) =>
    all.slice(i + 1).some(([, pb]) => pa.y === pb.y && Math.abs(pa.x - pb.x) < 224),
  );
};

describe('tidy up', () => {
  // ask → condition → (say | end), the ask's "gave up" to a handoff, say loops back to the ask.
  const config = flow([
    { id: 'ask', type: 'ask', prompt: 'Email?', saveAs: 'email', next: 'cond', onInvalid: 'human' },
    { id: 'cond', type: 'condition', branches: [{ when: {}, next: 'thanks' }], else: 'bye' },
    { id: 'thanks', type: 'say', message: { kind: 'text', text: 'Thanks' }, next: 'ask' },
    { id: 'bye', type: 'end' },
    { id: 'human', type: 'handoff' },
    { id: 'orphan', type: 'end' },
  ]);
  const p = tidyPositions(config, { cond: 160 });

  it('puts Start on top and each block a row below the first block that leads to it', () => {
    expect(p[START_ID]?.y).toBe(0);
    expect(p.ask?.y).toBeGreaterThan(p[START_ID]?.y ?? 0);
    expect(p.cond?.y).toBe(p.human?.y);
    expect(p.cond?.y).toBeGreaterThan(p.ask?.y ?? 0);
    expect(p.thanks?.y).toBe(p.bye?.y);
    // The taller row (a condition with a problem listed) pushes the next row further down.
    expect((p.thanks?.y ?? 0) - (p.cond?.y ?? 0)).toBeGreaterThan(
      (p.cond?.y ?? 0) - (p.ask?.y ?? 0),
    );
  });

  it('keeps a single path straight, siblings in the order of their outputs, and no two blocks on top of each other', () => {
    expect(p.ask?.x).toBe(p[START_ID]?.x);
    expect(p.cond?.x ?? 0).toBeLessThan(p.human?.x ?? 0);
    expect(p.thanks?.x ?? 0).toBeLessThan(p.bye?.x ?? 0);
    expect(overlaps(p)).toBe(false);
  });

  it('places blocks nothing leads to below the rest, and gives every block a place', () => {
    expect(Object.keys(p).sort()).toEqual(
      [START_ID, 'ask', 'bye', 'cond', 'human', 'orphan', 'thanks'].sort(),
    );
    expect(p.orphan?.y).toBeGreaterThan(
      Math.max(...['ask', 'cond', 'thanks', 'bye', 'human'].map((id) => p[id]?.y ?? 0)),
    );
  });
});
