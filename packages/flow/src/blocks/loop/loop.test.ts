import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, play, T0, text, texts } from '../../engine/test-harness.ts';
import { validateFlow } from '../../validate/validate-flow.ts';

describe('loop block', () => {
  it('for-each runs its body once per item, waiting for input inside, then continues', () => {
    const f = flow([
      {
        id: 'loop',
        type: 'loop',
        list: 'items',
        itemVariable: 'item',
        indexVariable: 'pos',
        body: 'q',
        next: 'done',
      },
      {
        id: 'q',
        type: 'ask',
        prompt: '{{pos}}: how many {{item}}?',
        saveAs: 'n',
        validation: { kind: 'number' },
      },
      { id: 'done', type: 'end', message: 'done' },
    ]);
    const { all } = play(f, [text('go'), text('1'), text('2'), text('3')]);
    expect(all.map(texts)).toEqual([
      ['1: how many a?'],
      ['2: how many b?'],
      ['3: how many c?'],
      ['done'],
    ]);
  });

  it('for-each whose body links back to it goes to the next item', () => {
    const f = flow([
      {
        id: 'loop',
        type: 'loop',
        list: 'items',
        itemVariable: 'item',
        indexVariable: 'pos',
        body: 's',
        next: 'done',
      },
      { id: 's', type: 'say', message: { kind: 'text', text: '{{pos}}. {{item}}' }, next: 'loop' },
      { id: 'done', type: 'end', message: 'done' },
    ]);
    expect(validateFlow(f).ok).toBe(true);
    expect(texts(advance(f, null, text('go'), T0).effects)).toEqual([
      '1. a',
      '2. b',
      '3. c',
      'done',
    ]);
  });

  it('for-each loops nest, the inner one starting over for each outer item', () => {
    const f = flow([
      {
        id: 'outer',
        type: 'loop',
        list: 'items',
        itemVariable: 'item',
        body: 'inner',
        next: 'done',
      },
      { id: 'inner', type: 'loop', list: 'items', itemVariable: 'x', body: 's', next: 'outer' },
      { id: 's', type: 'say', message: { kind: 'text', text: '{{item}}{{x}}' } },
      { id: 'done', type: 'end' },
    ]);
    const sent = texts(advance(f, null, text('go'), T0).effects);
    expect(sent).toEqual(['aa', 'ab', 'ac', 'ba', 'bb', 'bc', 'ca', 'cb', 'cc']);
  });

  it('for-each over an empty or missing list goes straight on', () => {
    const f = flow([
      { id: 'loop', type: 'loop', list: 'out', itemVariable: 'item', body: 's', next: 'done' },
      { id: 's', type: 'say', message: { kind: 'text', text: 'item' } },
      { id: 'done', type: 'end', message: 'done' },
    ]);
    expect(texts(advance(f, null, text('go'), T0).effects)).toEqual(['done']);
  });
});
