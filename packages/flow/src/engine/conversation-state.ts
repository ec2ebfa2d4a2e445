// The conversation state's bookkeeping around a run: a fresh state, the copy advance() works on,
// the main flow's variables, and whether they changed (for partial results).
import type { ConversationState, Wait } from './types.ts';
import { hashSeed } from './random.ts';

export function freshState(seedText: string): ConversationState {
  return { v: 1, status: 'active', vars: {}, seq: 0, seed: hashSeed(seedText) };
}

/**
 * A copy advance() may change freely. Executors only replace top-level variables (never change a
 * value in place), so copying the containers is enough; the caller's state stays untouched.
 */
export function clone(state: ConversationState): ConversationState {
  const copy: ConversationState = {
    v: 1,
    status: state.status,
    vars: { ...state.vars },
    seq: state.seq,
    seed: state.seed,
  };
  if (state.flow !== undefined) copy.flow = state.flow;
  if (state.wait) copy.wait = { ...state.wait };
  if (state.tries !== undefined) copy.tries = state.tries;
  if (state.stack)
    copy.stack = state.stack.map((f) => (f.k === 'sub' ? { ...f, vars: { ...f.vars } } : { ...f }));
  if (state.convTimer !== undefined) copy.convTimer = state.convTimer;
  if (state.endReason !== undefined) copy.endReason = state.endReason;
  if (state.since !== undefined) copy.since = state.since;
  return copy;
}

/** The main flow's variables (the caller's, when the run is inside a sub-flow). */
export function mainVariables(state: ConversationState): Record<string, unknown> {
  const bottom = state.stack?.find((f) => f.k === 'sub');
  return bottom?.k === 'sub' ? bottom.vars : state.vars;
}

export function publicVariables(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) if (k !== 'last_message') out[k] = v;
  return out;
}

/**
 * Whether the public variables changed. Values are only ever replaced, never changed in place
 * (see clone), so comparing them by identity is exact enough and much cheaper than JSON.
 */
export function variablesChanged(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): boolean {
  let count = 0;
  for (const k in after) {
    if (k === 'last_message') continue;
    count++;
    if (!Object.is(before[k], after[k]) || !(k in before)) return true;
  }
  for (const k in before) if (k !== 'last_message') count--;
  return count !== 0;
}

/** The timer a wait is bound to (an ask's time-out, a delay), if any. */
export function waitTimer(wait: Wait | undefined): string | undefined {
  return wait && 'timer' in wait ? wait.timer : undefined;
}
