import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, play, T0, text, texts } from '../../engine/test-harness.ts';
import type { FlowEvent } from '../../engine/types.ts';

describe('ask block', () => {
  it('ask retries, then gives up after max retries and goes to onInvalid', () => {
    const f = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Number?',
        saveAs: 'n',
        validation: { kind: 'number' },
        retryPrompt: 'A number please',
        maxRetries: 2,
        onInvalid: 'bad',
        next: 'ok',
      },
      { id: 'ok', type: 'end', message: 'got {{n}}' },
      { id: 'bad', type: 'end', message: 'giving up' },
    ]);
    const { all, state } = play(f, [text('start'), text('x'), text('y'), text('z')]);
    expect(all.map(texts)).toEqual([
      ['Number?'],
      ['A number please'],
      ['A number please'],
      ['giving up'],
    ]);
    expect(state?.status).toBe('completed');
  });

  it('ask without onInvalid ends politely after max retries', () => {
    const f = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Email?',
        saveAs: 'x',
        validation: { kind: 'email' },
        maxRetries: 0,
      },
    ]);
    const { all, state } = play(f, [text('go'), text('nope')]);
    expect(texts(all[1] ?? [])[0]).toMatch(/couldn't understand/);
    expect(state?.endReason).toBe('completed');
  });

  it('ask timeout fires via a timer and takes the timeout path', () => {
    const f = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Still there?',
        saveAs: 'x',
        validation: { kind: 'text' },
        timeoutSeconds: 600,
        onTimeout: 'late',
        next: 'ok',
      },
      { id: 'ok', type: 'end', message: 'ok' },
      { id: 'late', type: 'end', message: 'too late' },
    ]);
    const first = advance(f, null, text('hi'), T0);
    const timer = first.effects.find((e) => e.type === 'set_timer');
    expect(timer).toMatchObject({ purpose: 'ask_timeout', dueAt: T0 + 600_000 });
    const fired = advance(
      f,
      first.state,
      { type: 'timer', timerId: timer?.id ?? '' },
      T0 + 600_000,
    );
    expect(texts(fired.effects)).toEqual(['too late']);
  });

  it('an answer in time cancels the ask timer, and the stale timer is ignored', () => {
    const f = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Name?',
        saveAs: 'x',
        validation: { kind: 'text' },
        timeoutSeconds: 60,
        onTimeout: 'late',
        next: 'ok',
      },
      { id: 'ok', type: 'ask', prompt: 'Next?', saveAs: 'out', validation: { kind: 'text' } },
      { id: 'late', type: 'end', message: 'too late' },
    ]);
    const first = advance(f, null, text('hi'), T0);
    const timerId = first.effects.find((e) => e.type === 'set_timer')?.id ?? '';
    const answered = advance(f, first.state, text('Ana'), T0 + 1000);
    expect(answered.effects).toContainEqual(
      expect.objectContaining({ type: 'cancel_timer', timerId }),
    );
    const stale = advance(f, answered.state, { type: 'timer', timerId }, T0 + 60_000);
    expect(stale.effects).toEqual([]);
  });

  it('ask accepts a choice by number, by label and by a close spelling, and follows the option path', () => {
    const f = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Pick',
        saveAs: 'x',
        validation: {
          kind: 'choice',
          options: [
            { label: 'Pizza Margherita', next: 'p' },
            { label: 'Ensalada César', value: 'salad', next: 's' },
          ],
        },
      },
      { id: 'p', type: 'end', message: 'pizza' },
      { id: 's', type: 'end', message: 'salad' },
    ]);
    for (const [reply, expected] of [
      ['2', 'salad'],
      ['ensalada cesar', 'salad'],
      ['pizza margarita', 'pizza'],
      ['1.', 'pizza'],
    ] as const) {
      const { all } = play(f, [text('go'), text(reply)]);
      expect(texts(all[1] ?? [])).toEqual([expected]);
    }
  });

  it('ask takes a tapped option by its number, and by its label when the number is out of date', () => {
    const f = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Pick',
        saveAs: 'x',
        validation: {
          kind: 'choice',
          options: [
            { label: 'Tea', next: 't' },
            { label: 'Coffee', value: 'cof', next: 'c' },
          ],
        },
        maxRetries: 0,
      },
      { id: 't', type: 'end', message: 'tea' },
      { id: 'c', type: 'end', message: 'coffee' },
    ]);
    const tap = (option: number, label?: string): FlowEvent => ({
      type: 'message',
      message: { kind: 'choice', option, ...(label ? { label } : {}) },
    });
    expect(texts(play(f, [text('go'), tap(2)]).all[1] ?? [])).toEqual(['coffee']);
    expect(texts(play(f, [text('go'), tap(9, 'Tea')]).all[1] ?? [])).toEqual(['tea']);
    expect(texts(play(f, [text('go'), tap(9)]).all[1] ?? [])[0]).toMatch(/couldn't understand/);
  });

  it('a tapped option answers a typed question with its label', () => {
    const f = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Name?',
        saveAs: 'x',
        validation: { kind: 'text' },
        next: 'e',
      },
      { id: 'e', type: 'end', message: 'hi {{x}}' },
    ]);
    const { all } = play(f, [
      text('go'),
      { type: 'message', message: { kind: 'choice', option: 1, label: 'Ana' } },
    ]);
    expect(texts(all[1] ?? [])).toEqual(['hi Ana']);
  });

  it('ask shows any number of options as a numbered menu', () => {
    const options = Array.from({ length: 12 }, (_, i) => ({ label: `Option ${i + 1}` }));
    const f = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Pick',
        saveAs: 'x',
        validation: { kind: 'choice', options },
      },
    ]);
    const [menu] = texts(advance(f, null, text('go'), T0).effects);
    expect(menu).toContain('12. Option 12');
    const { state } = play(f, [text('go'), text('12')]);
    expect(state?.vars.x).toBe('Option 12');
  });

  it.each([
    ['text', { kind: 'text', minLength: 3 }, 'ab', 'abc', 'abc'],
    ['number', { kind: 'number', min: 1, max: 10 }, '11', '7', 7],
    ['email', { kind: 'email' }, 'a@b', 'A@B.co', 'a@b.co'],
    ['phone', { kind: 'phone' }, '12', '+34 600 111 222', '+34600111222'],
    ['date', { kind: 'date' }, '2026-02-30', '01/03/2026', '2026-03-01'],
    ['regex', { kind: 'regex', pattern: '^[A-Z]{3}-\\d{2}$' }, 'abc-12', 'ABC-12', 'ABC-12'],
  ] as const)('ask validates %s answers', (_k, validation, bad, good, saved) => {
    const f = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Q',
        saveAs: 'out',
        validation: validation as never,
        maxRetries: 3,
      },
    ]);
    const { all, state } = play(f, [text('go'), text(bad), text(good)]);
    expect(texts(all[1] ?? [])[0]).toMatch(/^Sorry/);
    expect(
      state?.vars.out ??
        (all[2]?.find((e) => e.type === 'results') as { variables?: Record<string, unknown> })
          ?.variables?.out,
    ).toEqual(saved);
  });

  it('ask media stores the media reference in the variable', () => {
    const f = flow([
      {
        id: 'q',
        type: 'ask',
        prompt: 'Photo?',
        saveAs: 'x',
        validation: { kind: 'media' },
        next: 'e',
      },
      { id: 'e', type: 'end' },
    ]);
    const { all } = play(f, [
      text('go'),
      text('no photo'),
      { type: 'message', message: { kind: 'media', ref: 'media/123', mimeType: 'image/jpeg' } },
    ]);
    expect(texts(all[1] ?? [])[0]).toMatch(/^Sorry/);
    expect(all[2]?.find((e) => e.type === 'results')).toMatchObject({
      status: 'completed',
      variables: { x: { ref: 'media/123', mimeType: 'image/jpeg' } },
    });
  });
});
