import { describe, expect, it } from 'vitest';
import { UndoHistory } from './undo-history.ts';

describe('the builder undo history', () => {
  it('undoes edits in reverse order and redoes them forward', () => {
    const h = new UndoHistory<string>();
    h.record('a'); // a → b
    h.record('b'); // b → c
    expect(h.undo('c')).toBe('b');
    expect(h.undo('b')).toBe('a');
    expect(h.undo('a')).toBeUndefined();
    expect(h.redo('a')).toBe('b');
    expect(h.redo('b')).toBe('c');
    expect(h.redo('c')).toBeUndefined();
  });

  it('forgets what was undone once a new edit is made', () => {
    const h = new UndoHistory<string>();
    h.record('a');
    expect(h.undo('b')).toBe('a');
    h.record('a'); // a → x
    expect(h.redo('x')).toBeUndefined();
    expect(h.undo('x')).toBe('a');
  });

  it('keeps only the last edits up to its limit', () => {
    const h = new UndoHistory<number>(3);
    for (let i = 0; i < 5; i++) h.record(i);
    expect([h.undo(5), h.undo(4), h.undo(3), h.undo(2)]).toEqual([4, 3, 2, undefined]);
  });
});
