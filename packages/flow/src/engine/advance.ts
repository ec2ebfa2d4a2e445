// advance(flow, state, event, now) → { state, effects }: the whole behaviour of a conversation,
// as a pure function. No I/O, no clock but `now`, no randomness but the state's seed: the same
// inputs give the same outputs, so every conversation can be replayed and tested without servers.
import type { FlowConfig, FlowNode } from '../schema/types.ts';
import { executeAsk, resumeAsk, timeoutAsk } from '../blocks/ask/execute-ask.ts';
import { executeCondition } from '../blocks/condition/execute-condition.ts';
import { executeDelay } from '../blocks/delay/execute-delay.ts';
import { executeEnd } from '../blocks/end/execute-end.ts';
import { executeHandoff } from '../blocks/handoff/execute-handoff.ts';
import { executeHttp, resumeHttp } from '../blocks/http/execute-http.ts';
import { executeJump } from '../blocks/jump/execute-jump.ts';
import { executeLoop } from '../blocks/loop/execute-loop.ts';
import { executeReturn, returnToCaller } from '../blocks/return/execute-return.ts';
import { executeSay } from '../blocks/say/execute-say.ts';
import { executeSet } from '../blocks/set/execute-set.ts';
import { executeSplit } from '../blocks/split/execute-split.ts';
import { executeSubflow } from '../blocks/subflow/execute-subflow.ts';
import { executeWebhook } from '../blocks/webhook/execute-webhook.ts';
import { matchTrigger } from '../triggers/match-trigger.ts';
import { hashSeed } from './random.ts';
import { Run, type Step } from './run.ts';
import { inboundText } from './inbound-text.ts';
import { normalize } from './text-match.ts';
import type { AdvanceResult, ConversationState, EndReason, FlowEvent, SubflowMap } from './types.ts';
import { initialVariables } from './variables.ts';

export const DEFAULT_MAX_STEPS = 100;

function execute(node: FlowNode, run: Run): Step {
  switch (node.type) {
    case 'say':
      return executeSay(node, run);
    case 'ask':
      return executeAsk(node, run);
    case 'condition':
      return executeCondition(node, run);
    case 'set':
      return executeSet(node, run);
    case 'jump':
      return executeJump(node);
    case 'subflow':
      return executeSubflow(node, run);
    case 'return':
      return executeReturn(run);
    case 'loop':
      return executeLoop(node, run);
    case 'delay':
      return executeDelay(node, run);
    case 'split':
      return executeSplit(node, run);
    case 'webhook':
      return executeWebhook(node, run);
    case 'http':
      return executeHttp(node, run);
    case 'handoff':
      return executeHandoff(node, run);
    case 'end':
      return executeEnd(node, run);
    default: {
      const never: never = node;
      throw new Error(`unknown block type ${JSON.stringify(never)}`);
    }
  }
}

/** Where a path that ended goes: the next item of a loop, back to a sub-flow's caller, or the end. */
function afterPathEnd(run: Run): Step {
  const top = run.state.stack?.[run.state.stack.length - 1];
  if (top?.k === 'loop') return { go: top.node };
  if (top?.k === 'sub') return returnToCaller(run) ?? { end: 'completed' };
  return { end: 'completed' };
}

function finish(run: Run, reason: EndReason): void {
  const s = run.state;
  if (s.wait?.k === 'input' && s.wait.timer) run.emit({ type: 'cancel_timer', timerId: s.wait.timer });
  if (s.wait?.k === 'timer') run.emit({ type: 'cancel_timer', timerId: s.wait.timer });
  if (s.convTimer) run.emit({ type: 'cancel_timer', timerId: s.convTimer });
  // Results are the main flow's variables, even when the run ends inside a sub-flow.
  const vars = mainVariables(s);
  s.vars = vars;
  delete s.wait;
  delete s.tries;
  delete s.stack;
  delete s.flow;
  delete s.convTimer;
  s.status = 'completed';
  s.endReason = reason;
  run.emit({ type: 'results', status: 'completed', variables: publicVariables(vars) });
  run.emit({ type: 'end', reason });
}

function publicVariables(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) if (k !== 'last_message') out[k] = v;
  return out;
}

/** Runs blocks from `first` until the run waits or ends, at most `maxSteps` blocks. */
function runFrom(run: Run, first: Step, maxSteps: number): void {
  let step = first;
  for (let count = 0; ; count++) {
    if ('wait' in step) {
      run.state.status = run.state.wait?.k === 'handoff' ? 'handoff' : 'waiting';
      return;
    }
    if ('end' in step) return finish(run, step.end);
    if (step.go === undefined) {
      step = afterPathEnd(run);
      continue;
    }
    if (count >= maxSteps) {
      run.emit({
        type: 'error',
        code: 'STEP_LIMIT',
        nodeId: step.go,
        message: `The flow ran ${maxSteps} blocks without waiting for the contact and was stopped at "${step.go}": check the jumps and loops around it.`,
      });
      return finish(run, 'error');
    }
    const node = run.node(step.go);
    if (!node) {
      run.emit({ type: 'error', code: 'NODE_MISSING', nodeId: step.go, message: `The block "${step.go}" does not exist; the conversation was ended.` });
      return finish(run, 'error');
    }
    step = execute(node, run);
  }
}

function freshState(seedText: string): ConversationState {
  return { v: 1, status: 'active', vars: {}, seq: 0, seed: hashSeed(seedText) };
}

/**
 * A copy advance() may change freely. Executors only replace top-level variables (never change a
 * value in place), so copying the containers is enough; the caller's state stays untouched.
 */
function clone(state: ConversationState): ConversationState {
  const copy: ConversationState = { v: 1, status: state.status, vars: { ...state.vars }, seq: state.seq, seed: state.seed };
  if (state.flow !== undefined) copy.flow = state.flow;
  if (state.wait) copy.wait = { ...state.wait };
  if (state.tries !== undefined) copy.tries = state.tries;
  if (state.stack) copy.stack = state.stack.map((f) => (f.k === 'sub' ? { ...f, vars: { ...f.vars } } : { ...f }));
  if (state.convTimer !== undefined) copy.convTimer = state.convTimer;
  if (state.endReason !== undefined) copy.endReason = state.endReason;
  return copy;
}

/** The main flow's variables (the caller's, when the run is inside a sub-flow). */
function mainVariables(state: ConversationState): Record<string, unknown> {
  const bottom = state.stack?.find((f) => f.k === 'sub');
  return bottom?.k === 'sub' ? bottom.vars : state.vars;
}

/**
 * Whether the public variables changed. Values are only ever replaced, never changed in place
 * (see clone), so comparing them by identity is exact enough and much cheaper than JSON.
 */
function variablesChanged(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  let count = 0;
  for (const k in after) {
    if (k === 'last_message') continue;
    count++;
    if (!Object.is(before[k], after[k]) || !(k in before)) return true;
  }
  for (const k in before) if (k !== 'last_message') count--;
  return count !== 0;
}

const keywordCache = new WeakMap<FlowConfig, { stop: Set<string>; restart: Set<string> }>();

function settingKeywords(flow: FlowConfig): { stop: Set<string>; restart: Set<string> } {
  let k = keywordCache.get(flow);
  if (!k) {
    k = {
      stop: new Set((flow.settings?.stopKeywords ?? []).map(normalize)),
      restart: new Set((flow.settings?.restartKeywords ?? []).map(normalize)),
    };
    keywordCache.set(flow, k);
  }
  return k;
}

/**
 * Advances one conversation by one event.
 * @param flow the flow version the conversation is pinned to
 * @param state null for a contact without a conversation in progress
 * @param subflows the flows sub-flow blocks may call, by id
 */
export function advance(
  flow: FlowConfig,
  state: ConversationState | null,
  event: FlowEvent,
  now: number,
  subflows: SubflowMap = {},
): AdvanceResult {
  const maxSteps = flow.settings?.maxStepsPerMessage ?? DEFAULT_MAX_STEPS;
  const active = state && state.status !== 'completed' ? state : null;

  if (!active) {
    // Only a trigger starts a conversation.
    let target: string | undefined;
    if (event.type === 'message') {
      const trigger = matchTrigger(flow, event.message, { isFirstMessage: event.isFirstMessage === true });
      if (!trigger) return { state, effects: [] };
      target = trigger.target ?? flow.start;
    } else if (event.type === 'api_start') {
      target = flow.triggers.find((t) => t.type === 'api')?.target ?? flow.start;
    } else {
      return { state, effects: [] };
    }
    const run = new Run(flow, subflows, freshState(`${JSON.stringify(event)}|${now}`), now);
    // A new run keeps the effect counter going so ids stay unique in the conversation.
    if (state) run.state.seq = state.seq;
    run.state.vars = initialVariables(flow);
    if (event.type === 'api_start') {
      const declared = new Set(flow.variables.map((v) => v.name));
      for (const [k, v] of Object.entries(event.variables ?? {})) if (declared.has(k)) run.state.vars[k] = v;
    }
    if (event.contact) run.state.vars.contact = { ...event.contact };
    if (event.type === 'message') run.state.vars.last_message = inboundText(event.message);
    runFrom(run, { go: target }, maxSteps);
    return settle(run, flow, event, null);
  }

  const run = new Run(flow, subflows, clone(active), now);
  const before = mainVariables(active);
  const s = run.state;

  switch (event.type) {
    case 'message': {
      s.vars.last_message = inboundText(event.message);
      const settings = flow.settings;
      const keywords = settingKeywords(flow);
      const said = keywords.stop.size + keywords.restart.size > 0 ? normalize(inboundText(event.message)) : '';
      if (said && keywords.stop.has(said)) {
        finish(run, 'stopped');
        break;
      }
      if (said && keywords.restart.has(said)) {
        finish(run, 'stopped');
        const restarted = new Run(flow, subflows, freshState(`${s.seed}|restart|${now}`), now);
        restarted.state.seq = run.state.seq;
        restarted.effects.push(...run.effects);
        restarted.state.vars = initialVariables(flow);
        const contact = active.vars.contact;
        if (contact !== undefined) restarted.state.vars.contact = contact;
        runFrom(restarted, { go: flow.start }, maxSteps);
        return settle(restarted, flow, event, null);
      }
      const wait = s.wait;
      if (wait?.k === 'input') {
        const node = run.node(wait.node);
        if (node?.type === 'ask') runFrom(run, resumeAsk(node, run, event.message), maxSteps);
      } else if (wait?.k === 'handoff') {
        // A person is answering: the bot stays quiet.
      } else if (settings?.fallbackText) {
        run.say(settings.fallbackText);
      }
      break;
    }
    case 'timer': {
      const wait = s.wait;
      if (s.convTimer === event.timerId) {
        delete s.convTimer;
        if (wait?.k === 'input' && wait.timer) run.emit({ type: 'cancel_timer', timerId: wait.timer });
        if (wait?.k === 'timer') run.emit({ type: 'cancel_timer', timerId: wait.timer });
        delete s.wait;
        const timeoutNode = flow.settings?.timeoutNode;
        if (timeoutNode) {
          // The timeout path belongs to the main flow.
          s.vars = mainVariables(s);
          delete s.stack;
          delete s.flow;
          runFrom(run, { go: timeoutNode }, maxSteps);
        } else finish(run, 'expired');
      } else if (wait?.k === 'input' && wait.timer === event.timerId) {
        const node = run.node(wait.node);
        if (node?.type === 'ask') runFrom(run, timeoutAsk(node, run), maxSteps);
      } else if (wait?.k === 'timer' && wait.timer === event.timerId) {
        const node = run.node(wait.node);
        delete s.wait;
        runFrom(run, { go: node?.type === 'delay' ? node.next : undefined }, maxSteps);
      }
      // Any other timer is stale (already answered or cancelled): nothing to do.
      break;
    }
    case 'http_response': {
      const wait = s.wait;
      if (wait?.k === 'http' && wait.req === event.requestId) {
        const node = run.node(wait.node);
        if (node?.type === 'http') runFrom(run, resumeHttp(node, run, event), maxSteps);
      }
      break;
    }
    case 'handoff_released': {
      const wait = s.wait;
      if (wait?.k === 'handoff') {
        const node = run.node(wait.node);
        delete s.wait;
        runFrom(run, { go: node?.type === 'handoff' ? node.next : undefined }, maxSteps);
      }
      break;
    }
    case 'api_start':
      // A conversation is already in progress: the start is ignored (the API says so).
      break;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
  return settle(run, flow, event, before);
}

/** After the blocks ran: partial results when variables changed, and the conversation timeout. */
function settle(run: Run, flow: FlowConfig, event: FlowEvent, varsBefore: Record<string, unknown> | null): AdvanceResult {
  const s = run.state;
  if (s.status !== 'completed') {
    const after = mainVariables(s);
    if (varsBefore !== null && variablesChanged(varsBefore, after)) {
      run.emit({ type: 'results', status: 'partial', variables: publicVariables(after) });
    }
    const minutes = flow.settings?.conversationTimeoutMinutes;
    if (minutes && (event.type === 'message' || event.type === 'api_start' || !s.convTimer)) {
      if (s.convTimer) run.emit({ type: 'cancel_timer', timerId: s.convTimer });
      s.convTimer = run.setTimer(minutes * 60, 'conversation_timeout');
    }
  }
  return { state: s, effects: run.effects };
}
