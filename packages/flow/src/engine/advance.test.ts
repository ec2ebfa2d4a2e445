import { describe, expect, it } from 'vitest';
import type { FlowConfig, FlowNode, Trigger } from '../schema/types.ts';
import { validateFlow } from '../validate/validate-flow.ts';
import { advance } from './advance.ts';
import type { ConversationState, Effect, FlowEvent, SubflowMap } from './types.ts';

const T0 = 1_700_000_000_000;

function flow(nodes: FlowNode[], extra: Partial<FlowConfig> = {}): FlowConfig {
  const f: FlowConfig = {
    schemaVersion: 1,
    triggers: [{ type: 'any' }],
    variables: [
      { name: 'x', type: 'string' },
      { name: 'n', type: 'number' },
      { name: 'items', type: 'list', default: ['a', 'b', 'c'] },
      { name: 'item', type: 'string' },
      { name: 'pos', type: 'number' },
      { name: 'out', type: 'string' },
      { name: 'path', type: 'string' },
      { name: 'code', type: 'number' },
    ],
    start: nodes[0]?.id ?? 'missing',
    nodes: nodes as FlowConfig['nodes'],
    ...extra,
  };
  return f;
}

const text = (t: string): FlowEvent => ({ type: 'message', message: { kind: 'text', text: t } });
const texts = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'send' && e.message.kind === 'text' ? [e.message.text] : []));

/** Plays events one after another; returns the effects of each and the last state. */
function play(f: FlowConfig, events: (FlowEvent | ((effects: Effect[]) => FlowEvent))[], subflows: SubflowMap = {}) {
  let state: ConversationState | null = null;
  let now = T0;
  const all: Effect[][] = [];
  for (const e of events) {
    now += 1000;
    const event = typeof e === 'function' ? e(all.flat()) : e;
    const r = advance(f, state, event, now, subflows);
    state = r.state;
    all.push(r.effects);
  }
  return { all, state };
}

const timerOf = (purpose: string) => (effects: Effect[]): FlowEvent => {
  const t = [...effects].reverse().find((e) => e.type === 'set_timer' && e.purpose === purpose);
  return { type: 'timer', timerId: t?.id ?? 'none' };
};

describe('triggers', () => {
  const say: FlowNode = { id: 's', type: 'say', message: { kind: 'text', text: 'started' } };
  const cases: { name: string; trigger: Trigger; event: FlowEvent; starts: boolean }[] = [
    { name: 'exact keyword, case and accents ignored', trigger: { type: 'keyword', keywords: ['Menú'], match: 'exact' }, event: text('  MENU! '), starts: true },
    { name: 'exact keyword refuses a longer message', trigger: { type: 'keyword', keywords: ['menu'], match: 'exact' }, event: text('menu please'), starts: false },
    { name: 'contains keyword as whole words', trigger: { type: 'keyword', keywords: ['precio'], match: 'contains' }, event: text('¿Cuál es el PRECIO?'), starts: true },
    { name: 'contains keyword does not match inside a word', trigger: { type: 'keyword', keywords: ['hi'], match: 'contains' }, event: text('this'), starts: false },
    { name: 'regex', trigger: { type: 'regex', pattern: '^order\\s+\\d+$', flags: 'i' }, event: text('ORDER 42'), starts: true },
    { name: 'any message', trigger: { type: 'any' }, event: text('whatever'), starts: true },
    { name: 'first message of a contact', trigger: { type: 'first_message' }, event: { type: 'message', message: { kind: 'text', text: 'yo' }, isFirstMessage: true }, starts: true },
    { name: 'first message trigger ignores returning contacts', trigger: { type: 'first_message' }, event: text('yo'), starts: false },
    { name: 'api start', trigger: { type: 'api' }, event: { type: 'api_start', variables: { x: 'from api' } }, starts: true },
    { name: 'api trigger ignores messages', trigger: { type: 'api' }, event: text('hi'), starts: false },
  ];
  it.each(cases)('$name', ({ trigger, event, starts }) => {
    const r = advance(flow([say], { triggers: [trigger] }), null, event, T0);
    expect(texts(r.effects)).toEqual(starts ? ['started'] : []);
  });

  it('starts at the trigger target when one is set', () => {
    const f = flow(
      [say, { id: 'other', type: 'say', message: { kind: 'text', text: 'other' } }],
      { triggers: [{ type: 'keyword', keywords: ['x'], match: 'exact', target: 'other' }] },
    );
    expect(texts(advance(f, null, text('x'), T0).effects)).toEqual(['other']);
  });

  it('keeps only declared variables from an API start', () => {
    const f = flow([{ id: 's', type: 'say', message: { kind: 'text', text: '{{x}}|{{hacker}}' } }], { triggers: [{ type: 'api' }] });
    const r = advance(f, null, { type: 'api_start', variables: { x: 'ok', hacker: 'no' } }, T0);
    expect(texts(r.effects)).toEqual(['ok|']);
  });
});

describe('blocks', () => {
  it('say sends text with variables, missing ones as empty text', () => {
    const f = flow([{ id: 's', type: 'say', message: { kind: 'text', text: 'Hi {{x}}{{nothing.deep}}!' } }]);
    expect(texts(advance(f, null, text('hey'), T0).effects)).toEqual(['Hi !']);
  });

  it('say sends media and locations', () => {
    const f = flow([
      { id: 'm', type: 'say', message: { kind: 'media', mediaType: 'image', url: 'https://x.test/{{x}}.png', caption: 'Menu' }, next: 'l' },
      { id: 'l', type: 'say', message: { kind: 'location', latitude: 40.4, longitude: -3.7, name: 'Shop' } },
    ]);
    const sends = advance(f, null, text('hey'), T0).effects.filter((e) => e.type === 'send');
    expect(sends.map((e) => e.type === 'send' && e.message)).toEqual([
      { kind: 'media', mediaType: 'image', url: 'https://x.test/.png', caption: 'Menu' },
      { kind: 'location', latitude: 40.4, longitude: -3.7, name: 'Shop' },
    ]);
  });

  it('ask retries, then gives up after max retries and goes to onInvalid', () => {
    const f = flow([
      { id: 'q', type: 'ask', prompt: 'Number?', saveAs: 'n', validation: { kind: 'number' }, retryPrompt: 'A number please', maxRetries: 2, onInvalid: 'bad', next: 'ok' },
      { id: 'ok', type: 'end', message: 'got {{n}}' },
      { id: 'bad', type: 'end', message: 'giving up' },
    ]);
    const { all, state } = play(f, [text('start'), text('x'), text('y'), text('z')]);
    expect(all.map(texts)).toEqual([['Number?'], ['A number please'], ['A number please'], ['giving up']]);
    expect(state?.status).toBe('completed');
  });

  it('ask without onInvalid ends politely after max retries', () => {
    const f = flow([{ id: 'q', type: 'ask', prompt: 'Email?', saveAs: 'x', validation: { kind: 'email' }, maxRetries: 0 }]);
    const { all, state } = play(f, [text('go'), text('nope')]);
    expect(texts(all[1] ?? [])[0]).toMatch(/couldn't understand/);
    expect(state?.endReason).toBe('completed');
  });

  it('ask timeout fires via a timer and takes the timeout path', () => {
    const f = flow([
      { id: 'q', type: 'ask', prompt: 'Still there?', saveAs: 'x', validation: { kind: 'text' }, timeoutSeconds: 600, onTimeout: 'late', next: 'ok' },
      { id: 'ok', type: 'end', message: 'ok' },
      { id: 'late', type: 'end', message: 'too late' },
    ]);
    const first = advance(f, null, text('hi'), T0);
    const timer = first.effects.find((e) => e.type === 'set_timer');
    expect(timer).toMatchObject({ purpose: 'ask_timeout', dueAt: T0 + 600_000 });
    const fired = advance(f, first.state, { type: 'timer', timerId: timer?.id ?? '' }, T0 + 600_000);
    expect(texts(fired.effects)).toEqual(['too late']);
  });

  it('an answer in time cancels the ask timer, and the stale timer is ignored', () => {
    const f = flow([
      { id: 'q', type: 'ask', prompt: 'Name?', saveAs: 'x', validation: { kind: 'text' }, timeoutSeconds: 60, onTimeout: 'late', next: 'ok' },
      { id: 'ok', type: 'ask', prompt: 'Next?', saveAs: 'out', validation: { kind: 'text' } },
      { id: 'late', type: 'end', message: 'too late' },
    ]);
    const first = advance(f, null, text('hi'), T0);
    const timerId = first.effects.find((e) => e.type === 'set_timer')?.id ?? '';
    const answered = advance(f, first.state, text('Ana'), T0 + 1000);
    expect(answered.effects).toContainEqual(expect.objectContaining({ type: 'cancel_timer', timerId }));
    const stale = advance(f, answered.state, { type: 'timer', timerId }, T0 + 60_000);
    expect(stale.effects).toEqual([]);
  });

  it('ask accepts a choice by number, by label and by a close spelling, and follows the option path', () => {
    const f = flow([
      { id: 'q', type: 'ask', prompt: 'Pick', saveAs: 'x', validation: { kind: 'choice', options: [{ label: 'Pizza Margherita', next: 'p' }, { label: 'Ensalada César', value: 'salad', next: 's' }] } },
      { id: 'p', type: 'end', message: 'pizza' },
      { id: 's', type: 'end', message: 'salad' },
    ]);
    for (const [reply, expected] of [['2', 'salad'], ['ensalada cesar', 'salad'], ['pizza margarita', 'pizza'], ['1.', 'pizza']] as const) {
      const { all } = play(f, [text('go'), text(reply)]);
      expect(texts(all[1] ?? [])).toEqual([expected]);
    }
  });

  it('ask takes a tapped option by its number, and by its label when the number is out of date', () => {
    const f = flow([
      { id: 'q', type: 'ask', prompt: 'Pick', saveAs: 'x', validation: { kind: 'choice', options: [{ label: 'Tea', next: 't' }, { label: 'Coffee', value: 'cof', next: 'c' }] }, maxRetries: 0 },
      { id: 't', type: 'end', message: 'tea' },
      { id: 'c', type: 'end', message: 'coffee' },
    ]);
    const tap = (option: number, label?: string): FlowEvent => ({ type: 'message', message: { kind: 'choice', option, ...(label ? { label } : {}) } });
    expect(texts(play(f, [text('go'), tap(2)]).all[1] ?? [])).toEqual(['coffee']);
    expect(texts(play(f, [text('go'), tap(9, 'Tea')]).all[1] ?? [])).toEqual(['tea']);
    expect(texts(play(f, [text('go'), tap(9)]).all[1] ?? [])[0]).toMatch(/couldn't understand/);
  });

  it('a tapped option answers a typed question with its label', () => {
    const f = flow([{ id: 'q', type: 'ask', prompt: 'Name?', saveAs: 'x', validation: { kind: 'text' }, next: 'e' }, { id: 'e', type: 'end', message: 'hi {{x}}' }]);
    const { all } = play(f, [text('go'), { type: 'message', message: { kind: 'choice', option: 1, label: 'Ana' } }]);
    expect(texts(all[1] ?? [])).toEqual(['hi Ana']);
  });

  it('ask shows any number of options as a numbered menu', () => {
    const options = Array.from({ length: 12 }, (_, i) => ({ label: `Option ${i + 1}` }));
    const f = flow([{ id: 'q', type: 'ask', prompt: 'Pick', saveAs: 'x', validation: { kind: 'choice', options } }]);
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
    const f = flow([{ id: 'q', type: 'ask', prompt: 'Q', saveAs: 'out', validation: validation as never, maxRetries: 3 }]);
    const { all, state } = play(f, [text('go'), text(bad), text(good)]);
    expect(texts(all[1] ?? [])[0]).toMatch(/^Sorry/);
    expect(state?.vars.out ?? (all[2]?.find((e) => e.type === 'results') as { variables?: Record<string, unknown> })?.variables?.out).toEqual(saved);
  });

  it('ask media stores the media reference in the variable', () => {
    const f = flow([{ id: 'q', type: 'ask', prompt: 'Photo?', saveAs: 'x', validation: { kind: 'media' }, next: 'e' }, { id: 'e', type: 'end' }]);
    const { all } = play(f, [text('go'), text('no photo'), { type: 'message', message: { kind: 'media', ref: 'media/123', mimeType: 'image/jpeg' } }]);
    expect(texts(all[1] ?? [])[0]).toMatch(/^Sorry/);
    expect(all[2]?.find((e) => e.type === 'results')).toMatchObject({ status: 'completed', variables: { x: { ref: 'media/123', mimeType: 'image/jpeg' } } });
  });

  it('condition takes the first branch that holds, else the else path', () => {
    const f = flow([
      { id: 'set', type: 'set', assignments: [{ variable: 'n', value: 7 }], next: 'c' },
      { id: 'c', type: 'condition', branches: [{ when: { '>': [{ var: 'n' }, 10] }, next: 'big' }, { when: { '>': [{ var: 'n' }, 5] }, next: 'mid' }], else: 'small' },
      { id: 'big', type: 'end', message: 'big' },
      { id: 'mid', type: 'end', message: 'mid' },
      { id: 'small', type: 'end', message: 'small' },
    ]);
    expect(texts(advance(f, null, text('go'), T0).effects)).toEqual(['mid']);
  });

  it('set assigns templated text, typed values and JSONLogic results', () => {
    const f = flow([
      { id: 'a', type: 'set', assignments: [{ variable: 'x', value: 'v={{items}}' }, { variable: 'out', value: '{{items}}' }, { variable: 'n', expression: { '+': [2, 3] } }], next: 'b' },
      { id: 'b', type: 'end' },
    ]);
    const r = advance(f, null, text('go'), T0);
    expect(r.effects.find((e) => e.type === 'results')).toMatchObject({ variables: { x: 'v=a, b, c', out: ['a', 'b', 'c'], n: 5 } });
  });

  it('a jump loop stops at the step bound with a clear error effect', () => {
    const f = flow([
      { id: 'a', type: 'jump', target: 'b' },
      { id: 'b', type: 'jump', target: 'a' },
    ], { settings: { maxStepsPerMessage: 20 } });
    const r = advance(f, null, text('go'), T0);
    const err = r.effects.find((e) => e.type === 'error');
    expect(err).toMatchObject({ code: 'STEP_LIMIT' });
    expect(err?.type === 'error' && err.message).toMatch(/ran 20 blocks without waiting/);
    expect(r.state?.status).toBe('completed');
    expect(r.state?.endReason).toBe('error');
  });

  it('a sub-flow runs with its own variables and returns to the caller with its outputs', () => {
    const sub = flow([
      { id: 'q', type: 'ask', prompt: 'Sub asks, given {{x}}', saveAs: 'out', validation: { kind: 'text' }, next: 'r' },
      { id: 'r', type: 'return' },
    ]);
    const main = flow([
      { id: 'call', type: 'subflow', flowId: 'sub', input: { x: 'hello' }, output: { path: 'out' }, next: 'after' },
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
      { id: 'set', type: 'set', assignments: [{ variable: 'out', value: ['x', 'y'] }], next: 'call' },
      { id: 'call', type: 'subflow', flowId: 'sub', input: { items: '{{out}}' }, next: 'after' },
      { id: 'after', type: 'end', message: 'done' },
    ]);
    expect(texts(advance(main, null, text('go'), T0, { sub }).effects)).toEqual(['- x', '- y', 'done']);
  });

  it('a missing sub-flow is skipped with an error effect', () => {
    const main = flow([{ id: 'call', type: 'subflow', flowId: 'gone', next: 'e' }, { id: 'e', type: 'end', message: 'went on' }]);
    const r = advance(main, null, text('go'), T0);
    expect(r.effects.find((e) => e.type === 'error')).toMatchObject({ code: 'SUBFLOW_MISSING' });
    expect(texts(r.effects)).toEqual(['went on']);
  });

  it('for-each runs its body once per item, waiting for input inside, then continues', () => {
    const f = flow([
      { id: 'loop', type: 'loop', list: 'items', itemVariable: 'item', indexVariable: 'pos', body: 'q', next: 'done' },
      { id: 'q', type: 'ask', prompt: '{{pos}}: how many {{item}}?', saveAs: 'n', validation: { kind: 'number' } },
      { id: 'done', type: 'end', message: 'done' },
    ]);
    const { all } = play(f, [text('go'), text('1'), text('2'), text('3')]);
    expect(all.map(texts)).toEqual([['1: how many a?'], ['2: how many b?'], ['3: how many c?'], ['done']]);
  });

  it('for-each whose body links back to it goes to the next item', () => {
    const f = flow([
      { id: 'loop', type: 'loop', list: 'items', itemVariable: 'item', indexVariable: 'pos', body: 's', next: 'done' },
      { id: 's', type: 'say', message: { kind: 'text', text: '{{pos}}. {{item}}' }, next: 'loop' },
      { id: 'done', type: 'end', message: 'done' },
    ]);
    expect(validateFlow(f).ok).toBe(true);
    expect(texts(advance(f, null, text('go'), T0).effects)).toEqual(['1. a', '2. b', '3. c', 'done']);
  });

  it('for-each loops nest, the inner one starting over for each outer item', () => {
    const f = flow([
      { id: 'outer', type: 'loop', list: 'items', itemVariable: 'item', body: 'inner', next: 'done' },
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

  it('delay sets a timer and goes on when it fires', () => {
    const f = flow([
      { id: 'd', type: 'delay', seconds: 30, next: 's' },
      { id: 's', type: 'end', message: 'after the wait' },
    ]);
    const { all } = play(f, [text('go'), timerOf('delay')]);
    expect(all[0]?.find((e) => e.type === 'set_timer')).toMatchObject({ purpose: 'delay', dueAt: T0 + 1000 + 30_000 });
    expect(texts(all[1] ?? [])).toEqual(['after the wait']);
  });

  it('random split is deterministic for a given state and follows the weights', () => {
    const f = flow([
      { id: 'ab', type: 'split', saveAs: 'path', branches: [{ label: 'A', weight: 1, next: 'a' }, { label: 'B', weight: 3, next: 'b' }] },
      { id: 'a', type: 'end', message: 'A' },
      { id: 'b', type: 'end', message: 'B' },
    ]);
    const once = advance(f, null, text('same'), T0);
    const twice = advance(f, null, text('same'), T0);
    expect(twice).toEqual(once);
    const counts = { A: 0, B: 0 };
    for (let i = 0; i < 2000; i++) {
      const [out] = texts(advance(f, null, text(`contact ${i}`), T0).effects);
      counts[out === 'A' ? 'A' : 'B'] += 1;
    }
    expect(counts.B / 2000).toBeGreaterThan(0.65);
    expect(counts.B / 2000).toBeLessThan(0.85);
  });

  it('webhook emits its event with templated data, or every variable', () => {
    const f = flow([
      { id: 'w', type: 'webhook', event: 'lead.new', payload: { who: '{{x}}!' }, next: 'w2' },
      { id: 'w2', type: 'webhook', event: 'all.vars', next: 'e' },
      { id: 'e', type: 'end' },
    ]);
    const hooks = advance(f, null, text('go'), T0).effects.filter((e) => e.type === 'webhook');
    expect(hooks).toMatchObject([{ event: 'lead.new', payload: { who: '!' } }, { event: 'all.vars', payload: { items: ['a', 'b', 'c'] } }]);
  });

  describe('http', () => {
    const f = flow([
      { id: 'h', type: 'http', method: 'POST', url: 'https://api.test/{{x}}', headers: { 'x-k': 'v{{x}}' }, body: { q: '{{items}}' }, mappings: [{ variable: 'out', path: '$.data.name' }], saveStatusAs: 'code', next: 'ok', onFailure: 'fail', onTimeout: 'slow' },
      { id: 'ok', type: 'end', message: 'ok {{out}} {{code}}' },
      { id: 'fail', type: 'end', message: 'fail {{code}}' },
      { id: 'slow', type: 'end', message: 'slow' },
    ]);
    const reply = (r: Partial<Extract<FlowEvent, { type: 'http_response' }>>) => (effects: Effect[]): FlowEvent => ({
      type: 'http_response',
      requestId: effects.find((e) => e.type === 'http_request')?.id ?? '',
      outcome: 'response',
      ...r,
    });

    it('asks the runtime for the request with templated parts', () => {
      const req = advance(f, null, text('go'), T0).effects.find((e) => e.type === 'http_request');
      expect(req).toMatchObject({ method: 'POST', url: 'https://api.test/', headers: { 'x-k': 'v' }, body: { q: ['a', 'b', 'c'] }, timeoutMs: 10_000 });
    });
    it('URL-encodes answers put into the URL, but keeps a base address that starts it', () => {
      const g = flow([
        { id: 's', type: 'set', assignments: [{ variable: 'x', value: 'a b&admin=1/..' }, { variable: 'out', value: 'https://api.test/v1' }], next: 'h' },
        { id: 'h', type: 'http', method: 'GET', url: '{{out}}/find?q={{x}}', next: 'e' },
        { id: 'e', type: 'end' },
      ]);
      const req = advance(g, null, text('go'), T0).effects.find((e) => e.type === 'http_request');
      expect(req).toMatchObject({ url: 'https://api.test/v1/find?q=a%20b%26admin%3D1%2F..' });
    });
    it('maps fields of a 2xx answer into variables and takes the success path', () => {
      const { all } = play(f, [text('go'), reply({ status: 200, body: { data: { name: 'Zed' } } })]);
      expect(texts(all[1] ?? [])).toEqual(['ok Zed 200']);
    });
    it('takes the failure path on an error status', () => {
      const { all } = play(f, [text('go'), reply({ status: 503 })]);
      expect(texts(all[1] ?? [])).toEqual(['fail 503']);
    });
    it('takes the timeout path on a timeout', () => {
      const { all } = play(f, [text('go'), reply({ outcome: 'timeout' })]);
      expect(texts(all[1] ?? [])).toEqual(['slow']);
    });
    it('ignores an answer to another request', () => {
      const { all } = play(f, [text('go'), { type: 'http_response', requestId: 'other', outcome: 'response', status: 200 }]);
      expect(all[1]).toEqual([]);
    });
  });

  it('handoff keeps the bot quiet until released, then continues', () => {
    const f = flow([
      { id: 'h', type: 'handoff', message: 'A person will answer', next: 'back' },
      { id: 'back', type: 'end', message: 'bot is back' },
    ]);
    const { all, state } = play(f, [text('go'), text('hello?'), { type: 'handoff_released' }]);
    expect(all[0]?.some((e) => e.type === 'handoff')).toBe(true);
    expect(all[1]).toEqual([]);
    expect(texts(all[2] ?? [])).toEqual(['bot is back']);
    expect(state?.status).toBe('completed');
  });

  it('end says its last message and emits completed results and an end effect', () => {
    const r = advance(flow([{ id: 'e', type: 'end', message: 'bye' }]), null, text('go'), T0);
    expect(r.effects.map((e) => e.type)).toEqual(['send', 'results', 'end']);
  });
});

describe('flow settings', () => {
  const f = flow(
    [
      { id: 'q', type: 'ask', prompt: 'Name?', saveAs: 'x', validation: { kind: 'text' }, next: 'd' },
      { id: 'd', type: 'delay', seconds: 5, next: 'e' },
      { id: 'e', type: 'end', message: 'bye {{x}}' },
      { id: 'late', type: 'end', message: 'closed for silence' },
    ],
    { settings: { stopKeywords: ['STOP'], restartKeywords: ['reiniciar'], fallbackText: 'wait a moment', conversationTimeoutMinutes: 10, timeoutNode: 'late' } },
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
    expect(all[0]?.find((e) => e.type === 'set_timer' && e.purpose === 'conversation_timeout')).toMatchObject({ dueAt: T0 + 1000 + 600_000 });
    expect(texts(all[1] ?? [])).toEqual(['closed for silence']);
  });
  it('each message moves the conversation timeout', () => {
    const { all } = play(f, [text('hi'), text('Ana')]);
    expect(all[1]?.filter((e) => e.type === 'cancel_timer' || (e.type === 'set_timer' && e.purpose === 'conversation_timeout')).map((e) => e.type)).toEqual(['cancel_timer', 'set_timer']);
  });
  it('a completed conversation starts again only through a trigger', () => {
    const { state } = play(f, [text('hi'), text('stop')]);
    const again = advance({ ...f, triggers: [{ type: 'keyword', keywords: ['hola'], match: 'exact' }] }, state, text('nope'), T0 + 10_000);
    expect(again.effects).toEqual([]);
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
    expect(advance(f, thawed, text('A'), T0 + 1)).toEqual(advance(f, first.state, text('A'), T0 + 1));
  });

  it('does not change the state it was given', () => {
    const f = flow([{ id: 'q', type: 'ask', prompt: 'Q', saveAs: 'x', validation: { kind: 'text' } }]);
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
