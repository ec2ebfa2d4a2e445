import { describe, expect, it } from 'vitest';
import type { FlowConfig, FlowNode, Trigger } from '../schema/types.ts';
import { validateFlow } from '../validate/validate-flow.ts';
import { advance } from './advance.ts';
import { flow, play, T0, text, texts, timerOf } from './test-harness.ts';
import type { ConversationState, FlowEvent } from './types.ts';

// The run loop, triggers, flow settings and the state; each block's own behaviour is tested
// beside it (src/blocks/<type>/<type>.test.ts).
describe('triggers', () => {
  const say: FlowNode = { id: 's', type: 'say', message: { kind: 'text', text: 'started' } };
  const cases: { name: string; trigger: Trigger; event: FlowEvent; starts: boolean }[] = [
    {
      name: 'exact keyword, case and accents ignored',
      trigger: { type: 'keyword', keywords: ['Menú'], match: 'exact' },
      event: text('  MENU! '),
      starts: true,
    },
    {
      name: 'exact keyword refuses a longer message',
      trigger: { type: 'keyword', keywords: ['menu'], match: 'exact' },
      event: text('menu please'),
      starts: false,
    },
    {
      name: 'contains keyword as whole words',
      trigger: { type: 'keyword', keywords: ['precio'], match: 'contains' },
      event: text('¿Cuál es el PRECIO?'),
      starts: true,
    },
    {
      name: 'contains keyword does not match inside a word',
      trigger: { type: 'keyword', keywords: ['hi'], match: 'contains' },
      event: text('this'),
      starts: false,
    },
    {
      name: 'regex',
      trigger: { type: 'regex', pattern: '^order\\s+\\d+$', flags: 'i' },
      event: text('ORDER 42'),
      starts: true,
    },
    { name: 'any message', trigger: { type: 'any' }, event: text('whatever'), starts: true },
    {
      name: 'first message of a contact',
      trigger: { type: 'first_message' },
      event: { type: 'message', message: { kind: 'text', text: 'yo' }, isFirstMessage: true },
      starts: true,
    },
    {
      name: 'first message trigger ignores returning contacts',
      trigger: { type: 'first_message' },
      event: text('yo'),
      starts: false,
    },
    {
      name: 'api start',
      trigger: { type: 'api' },
      event: { type: 'api_start', variables: { x: 'from api' } },
      starts: true,
    },
    {
      name: 'api trigger ignores messages',
      trigger: { type: 'api' },
      event: text('hi'),
      starts: false,
    },
  ];
  it.each(cases)('$name', ({ trigger, event, starts }) => {
    const r = advance(flow([say], { triggers: [trigger] }), null, event, T0);
    expect(texts(r.effects)).toEqual(starts ? ['started'] : []);
  });

  it('starts at the trigger target when one is set', () => {
    const f = flow([say, { id: 'other', type: 'say', message: { kind: 'text', text: 'other' } }], {
      triggers: [{ type: 'keyword', keywords: ['x'], match: 'exact', target: 'other' }],
    });
    expect(texts(advance(f, null, text('x'), T0).effects)).toEqual(['other']);
  });

  it('keeps only declared variables from an API start', () => {
    const f = flow(
      [{ id: 's', type: 'say', message: { kind: 'text', text: '{{x}}|{{hacker}}' } }],
      { triggers: [{ type: 'api' }] },
    );
    const r = advance(f, null, { type: 'api_start', variables: { x: 'ok', hacker: 'no' } }, T0);
    expect(texts(r.effects)).toEqual(['ok|']);
  });
});

describe('flow settings', () => {
  const f = flow(
    [
      {
        id: 'q',
        type: 'ask',
        prompt: 'Name?',
        saveAs: 'x',
        validation: { kind: 'text' },
        next: 'd',
      },
      { id: 'd', type: 'delay', seconds: 5, next: 'e' },
      { id: 'e', type: 'end', message: 'bye {{x}}' },
      { id: 'late', type: 'end', message: 'closed for silence' },
    ],
    {
      settings: {
        stopKeywords: ['STOP'],
        restartKeywords: ['reiniciar'],
        fallbackText: 'wait a moment',
        conversationTimeoutMinutes: 10,
        timeoutNode: 'late',
      },
    },
  );

  it('a stop keyword ends the conversation', () => {
    const { all, state } = play(f, [text('hi'), text('stop')]);
    expect(all[1]?.find((e) => e.type === 'end')).toMatchObject({ reason: 'stopped' });
    expect(state?.status).toBe('completed');
  });
  it('a restart keyword starts over from the first block', () => {
    const { all } = play(f, [text('hi'), text('Reiniciar')]);
    expect(texts(all[1] ?? [])).toEqual(['Name?']);
  });
  it('says the fallback text for a message the flow cannot place', () => {
    const { all } = play(f, [text('hi'), text('Ana'), text('are you there?')]);
    expect(texts(all[2] ?? [])).toEqual(['wait a moment']);
  });
  it('a silent conversation times out to its timeout path', () => {
    const { all } = play(f, [text('hi'), timerOf('conversation_timeout')]);
    expect(
      all[0]?.find((e) => e.type === 'set_timer' && e.purpose === 'conversation_timeout'),
    ).toMatchObject({ dueAt: T0 + 1000 + 600_000 });
    expect(texts(all[1] ?? [])).toEqual(['closed for silence']);
  });
  it('each message moves the conversation timeout', () => {
    const { all } = play(f, [text('hi'), text('Ana')]);
    expect(
      all[1]
        ?.filter(
          (e) =>
            e.type === 'cancel_timer' ||
            (e.type === 'set_timer' && e.purpose === 'conversation_timeout'),
        )
        .map((e) => e.type),
    ).toEqual(['cancel_timer', 'set_timer']);
  });
  it('a completed conversation starts again only through a trigger', () => {
    const { state } = play(f, [text('hi'), text('stop')]);
    const keyword: FlowConfig = {
      ...f,
      triggers: [{ type: 'keyword', keywords: ['hola'], match: 'exact' }],
    };
    // No new run: the fallback text answers, the conversation stays ended.
    const again = advance(keyword, state, text('nope'), T0 + 10_000);
    expect(again.effects.map((e) => e.type)).toEqual(['send']);
    expect(again.state?.status).toBe('completed');
    expect(texts(advance(keyword, state, text('hola'), T0 + 10_000).effects)).toEqual(['Name?']);
  });
  it('says the fallback text to a message after the flow ended, with an effect id of its own', () => {
    const keyword = flow([{ id: 'e', type: 'end', message: 'done' }], {
      triggers: [{ type: 'keyword', keywords: ['order'], match: 'exact' }],
      settings: { fallbackText: 'Write "order" to start.' },
    });
    const ended = advance(keyword, null, text('order'), T0);
    expect(ended.state?.status).toBe('completed');
    const thanks = advance(keyword, ended.state, text('thanks'), T0 + 1000);
    expect(texts(thanks.effects)).toEqual(['Write "order" to start.']);
    expect(thanks.effects).toHaveLength(1);
    const ids = [...ended.effects, ...thanks.effects].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(thanks.state).toMatchObject({ status: 'completed', endReason: 'completed' });
  });
  it('says the fallback text to a contact with no conversation whose message starts nothing', () => {
    const keyword = flow([{ id: 'e', type: 'end', message: 'done' }], {
      triggers: [{ type: 'keyword', keywords: ['order'], match: 'exact' }],
      settings: { fallbackText: 'Write "order" to start.' },
    });
    const r = advance(keyword, null, text('hello'), T0);
    expect(texts(r.effects)).toEqual(['Write "order" to start.']);
    expect(r.state).toBeNull();
    // Without a fallback text such a message gets nothing, and timers of no conversation neither.
    const silent = { ...keyword, settings: {} };
    expect(advance(silent, null, text('hello'), T0)).toEqual({ state: null, effects: [] });
    expect(advance(keyword, null, { type: 'timer', timerId: 'e1' }, T0).effects).toEqual([]);
  });
});

describe('state', () => {
  it('is plain JSON that survives a round trip between every step', () => {
    const f = flow([
      { id: 'q', type: 'ask', prompt: 'Q', saveAs: 'x', validation: { kind: 'text' }, next: 'e' },
      { id: 'e', type: 'end' },
    ]);
    const first = advance(f, null, text('go'), T0);
    const thawed = JSON.parse(JSON.stringify(first.state)) as ConversationState;
    expect(advance(f, thawed, text('A'), T0 + 1)).toEqual(
      advance(f, first.state, text('A'), T0 + 1),
    );
  });

  it('does not change the state it was given', () => {
    const f = flow([
      { id: 'q', type: 'ask', prompt: 'Q', saveAs: 'x', validation: { kind: 'text' } },
    ]);
    const first = advance(f, null, text('go'), T0);
    const frozen = JSON.stringify(first.state);
    advance(f, first.state, text('answer'), T0 + 1);
    expect(JSON.stringify(first.state)).toBe(frozen);
  });

  it('test flows used here are valid', () => {
    const f = flow([{ id: 'e', type: 'end' }]);
    expect(validateFlow(f).ok).toBe(true);
  });
});
