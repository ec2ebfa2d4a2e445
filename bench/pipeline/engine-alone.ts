// The pipeline benchmark's yardstick: the same conversations (each contact says "start", then
// "turn 1", "turn 2"…) through the engine's advance() alone, in the same process and run — what the
// pipeline around it (storage, locks, batching, the channel) leaves of the engine's speed.
import { advance, validateFlow, type ConversationState, type FlowEvent } from '@waflow/flow';

/** Inbound messages per second through advance() for `contacts` × `turns`, repeated for at least `ms`. */
export function engineMsgsPerSecond(
  config: unknown,
  contacts: number,
  turns: number,
  ms = 1000,
): number {
  const v = validateFlow(config);
  if (!v.ok) throw new Error(`the benchmark's flow is invalid: ${JSON.stringify(v.errors)}`);
  const flow = v.flow;
  const events: FlowEvent[] = Array.from({ length: turns }, (_, t) => ({
    type: 'message',
    message: { kind: 'text', text: t === 0 ? 'start' : `turn ${t}` },
  }));
  const once = () => {
    let now = 1_700_000_000_000;
    for (let c = 0; c < contacts; c++) {
      let state: ConversationState | null = null;
      for (const event of events) state = advance(flow, state, event, (now += 1000)).state;
    }
  };
  // Warm-up for the JIT, not counted.
  for (let i = 0; i < 5; i++) once();
  let rounds = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    once();
    rounds++;
  }
  return Math.round((rounds * contacts * turns) / ((performance.now() - started) / 1000));
}
