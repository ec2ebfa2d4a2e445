import { describe, expect, it } from 'vitest';
import { diffFlows } from './diff.ts';

const base = {
  schemaVersion: 1,
  start: 'a',
  triggers: [{ type: 'keyword', match: 'exact', keywords: ['hi'] }],
  variables: [{ name: 'email', type: 'string' }],
  nodes: [
    { id: 'a', type: 'say', text: 'Hello', next: 'b', ui: { x: 0, y: 0 } },
    { id: 'b', type: 'end' },
  ],
};

describe('diffFlows', () => {
  it('finds no change between a flow and a reordered copy with moved blocks', () => {
    const moved = {
      ...base,
      nodes: [
        { id: 'b', type: 'end' },
        { next: 'b', text: 'Hello', type: 'say', id: 'a', ui: { x: 300, y: 90 } },
      ],
    };
    expect(diffFlows(base, moved).identical).toBe(true);
  });

  it('names added, removed and changed blocks with the fields that changed', () => {
    const next = {
      ...base,
      nodes: [
        { id: 'a', type: 'say', text: 'Hello there', next: 'c' },
        { id: 'c', type: 'end', message: 'Bye' },
      ],
    };
    const d = diffFlows(base, next);
    expect(d.nodes).toEqual({
      added: ['c'],
      removed: ['b'],
      changed: [{ id: 'a', fields: ['next', 'text'] }],
    });
    expect(d.identical).toBe(false);
  });

  it('reports triggers, variables and other settings', () => {
    const next = {
      ...base,
      start: 'b',
      settings: { restartKeywords: ['menu'] },
      triggers: [{ type: 'any' }],
      variables: [
        { name: 'email', type: 'email' },
        { name: 'name', type: 'string' },
      ],
    };
    const d = diffFlows(base, next);
    expect(d.triggers).toEqual({ added: [{ type: 'any' }], removed: [base.triggers[0]] });
    expect(d.variables).toEqual({ added: ['name'], removed: [], changed: ['email'] });
    expect(d.other).toEqual(['settings', 'start']);
  });
});
