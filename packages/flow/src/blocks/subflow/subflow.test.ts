import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, play, T0, text, texts } from '../../engine/test-harness.ts';

describe('subflow block', () => {
  it('a sub-flow runs with its own variables and returns to the caller with its outputs', () => {
    const sub = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Sub asks, given {{x}}',
        saveAs: 'out',
        validation: { kind: 'text' },
        next: 'r',
      },
      { id: 'r', type: 'return' },
    ]);
    const main = flow([
      {
        id: 'call',
        type: 'subflow',
        flowId: 'sub',
        input: { x: 'hello' },
        output: { path: 'out' },
        next: 'after',
      },
      { id: 'after', type: 'end', message: 'back with {{path}}, x={{x}}' },
    ]);
    const { all } = play(main, [text('go'), text('answer')], { sub });
    expect(texts(all[0] ?? [])).toEqual(['Sub asks, given hello']);
    expect(texts(all[1] ?? [])).toEqual(['back with answer, x=']);
  });

  it('a sub-flow input that is exactly one variable keeps its type, so a list can be looped over', () => {
    const sub = flow([
      { id: 'each', type: 'loop', list: 'items', itemVariable: 'item', body: 's', next: 'r' },
      { id: 's', type: 'say', message: { kind: 'text', text: '- {{item}}' } },
      { id: 'r', type: 'return' },
    ]);
    const main = flow([
      {
        id: 'set',
        type: 'set',
        assignments: [{ variable: 'out', value: ['x', 'y'] }],
        next: 'call',
      },
      { id: 'call', type: 'subflow', flowId: 'sub', input: { items: '{{out}}' }, next: 'after' },
      { id: 'after', type: 'end', message: 'done' },
    ]);
    expect(texts(advance(main, null, text('go'), T0, { sub }).effects)).toEqual([
      '- x',
      '- y',
      'done',
    ]);
  });

  it('a missing sub-flow is skipped with an error effect', () => {
    const main = flow([
      { id: 'call', type: 'subflow', flowId: 'gone', next: 'e' },
      { id: 'e', type: 'end', message: 'went on' },
    ]);
    const r = advance(main, null, text('go'), T0);
    expect(r.effects.find((e) => e.type === 'error')).toMatchObject({ code: 'SUBFLOW_MISSING' });
    expect(texts(r.effects)).toEqual(['went on']);
  });
});
