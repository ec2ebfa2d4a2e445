// What the engine's and the blocks' tests play flows with: a flow around some blocks (with the
// variables the tests use declared), text messages, the texts sent, and a conversation played
// event after event.
import type { FlowConfig, FlowNode } from '../schema/types.ts';
import { advance } from './advance.ts';
import type { ConversationState, Effect, FlowEvent, SubflowMap } from './types.ts';

export const T0 = 1_700_000_000_000;

export function flow(nodes: FlowNode[], extra: Partial<FlowConfig> = {}): FlowConfig {
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

export const text = (t: string): FlowEvent => ({
  type: 'message',
  message: { kind: 'text', text: t },
});
export const texts = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'send' && e.message.kind === 'text' ? [e.message.text] : []));

/** Plays events one after another; returns the effects of each and the last state. */
export function play(
  f: FlowConfig,
  events: (FlowEvent | ((effects: Effect[]) => FlowEvent))[],
  subflows: SubflowMap = {},
) {
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

export const timerOf =
  (purpose: string) =>
  (effects: Effect[]): FlowEvent => {
    const t = [...effects].reverse().find((e) => e.type === 'set_timer' && e.purpose === purpose);
    return { type: 'timer', timerId: t?.id ?? 'none' };
  };
