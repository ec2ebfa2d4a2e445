// advance(flow, state, event, now) → { state, effects }: the whole behaviour of a conversation,
// as a pure function. No I/O, no clock but `now`, no randomness but the state's seed: the same
// inputs give the same outputs, so every conversation can be replayed and tested without servers.
// This file is the run loop and the dispatch: what each block does is its definition's
// (src/blocks/<type>/<type>.block.ts, through the registry).
import type { FlowConfig, FlowNode } from '../schema/types.ts';
import { blocks, type BlockDefinition } from '../blocks/index.ts';
import { returnToCaller } from '../blocks/return/return.block.ts';
import { matchTrigger } from '../triggers/match-trigger.ts';
import { clone, freshState, mainVariables, waitTimer } from './conversation-state.ts';
import { finish, settle } from './finish.ts';
import { Run, type Step } from './run.ts';
import { inboundText } from './inbound-text.ts';
import { normalize } from './text-match.ts';
import type {
  AdvanceResult,
  ContactInfo,
  ConversationState,
  FlowEvent,
  SubflowMap,
} from './types.ts';
import { initialVariables } from './variables.ts';

export const DEFAULT_MAX_STEPS = 100;

function blockOf(node: FlowNode): BlockDefinition<FlowNode> {
  return blocks[node.type];
}

/** Where a path that ended goes: the next item of a loop, back to a sub-flow's caller, or the end. */
function afterPathEnd(run: Run): Step {
  const top = run.state.stack?.[run.state.stack.length - 1];
  if (top?.k === 'loop') return { go: top.node };
  if (top?.k === 'sub') return returnToCaller(run) ?? { end: 'completed' };
  return { end: 'completed' };
}

/**
 * Runs blocks from `first` until the run waits or ends, at most `maxSteps` blocks. `from` is the
 * block the run resumes at (the step leaves it): its visits are noted, with the time it waited.
 */
function runFrom(run: Run, first: Step, maxSteps: number, from?: string): void {
  let step = first;
  // The main-flow block the next step leaves, and when it was entered.
  let at = run.state.flow === undefined ? from : undefined;
  let enteredAt = run.state.since ?? run.now;
  let fresh = from === undefined;
  const leave = (to: string | null) => {
    if (at !== undefined) {
      run.visits.push({ k: 'leave', node: at, to, ms: run.now - enteredAt });
      delete run.state.since;
    }
    at = undefined;
  };
  for (let count = 0; ; count++) {
    if ('wait' in step) {
      run.state.status = run.state.wait?.k === 'handoff' ? 'handoff' : 'waiting';
      if (fresh) run.state.since = run.now;
      return;
    }
    if ('end' in step) {
      // Only a path that ends as planned leaves its block; an expiry or error stops there.
      if (step.end === 'completed') leave(null);
      return finish(run, step.end);
    }
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
      run.emit({
        type: 'error',
        code: 'NODE_MISSING',
        nodeId: step.go,
        message: `The block "${step.go}" does not exist; the conversation was ended.`,
      });
      return finish(run, 'error');
    }
    const main = run.state.flow === undefined;
    leave(main ? node.id : null);
    if (main) {
      run.visits.push({ k: 'enter', node: node.id });
      at = node.id;
    }
    enteredAt = run.now;
    fresh = true;
    step = blockOf(node).execute(node, run);
  }
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
 * A message no conversation takes: none is in progress and no trigger matches it (a "thanks"
 * after the flow ended). Nothing starts; the flow's fallback text answers it when there is one.
 * A given state (the ended conversation's) only moves on by the reply's effect id, so ids stay
 * unique in it; without one the reply is `e1` of no conversation, and the caller keys it itself
 * (the runtime keys it on the inbound event).
 */
function unplaced(
  flow: FlowConfig,
  state: ConversationState | null,
  now: number,
  subflows: SubflowMap,
): AdvanceResult {
  const fallback = flow.settings?.fallbackText;
  if (!fallback?.trim()) return { state, effects: [] };
  const run = new Run(flow, subflows, state ? clone(state) : freshState(`unplaced|${now}`), now);
  run.say(fallback);
  return { state: state ? run.state : null, effects: run.effects };
}

/**
 * Starts a conversation when the event is a trigger of the flow; else a message gets the
 * fallback text (see unplaced) and anything else does nothing.
 */
function start(
  flow: FlowConfig,
  state: ConversationState | null,
  event: FlowEvent,
  now: number,
  subflows: SubflowMap,
  maxSteps: number,
): AdvanceResult {
  let target: string | undefined;
  if (event.type === 'message') {
    const trigger = matchTrigger(flow, event.message, {
      isFirstMessage: event.isFirstMessage === true,
    });
    if (!trigger) return unplaced(flow, state, now, subflows);
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
    for (const [k, v] of Object.entries(event.variables ?? {}))
      if (declared.has(k)) run.state.vars[k] = v;
  }
  if (event.contact) run.state.vars.contact = contactVariable(event.contact);
  if (event.type === 'message') run.state.vars.last_message = inboundText(event.message);
  runFrom(run, { go: target }, maxSteps);
  return settle(run, flow, event, null);
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
  if (!active) return start(flow, state, event, now, subflows, maxSteps);

  const run = new Run(flow, subflows, clone(active), now);
  const before = mainVariables(active);
  const s = run.state;
  // The block the conversation waits at, and its definition (the one that resumes it).
  const waiting = s.wait ? run.node(s.wait.node) : undefined;
  const resume = waiting && blockOf(waiting).resume;

  switch (event.type) {
    case 'message': {
      s.vars.last_message = inboundText(event.message);
      const settings = flow.settings;
      const keywords = settingKeywords(flow);
      const said =
        keywords.stop.size + keywords.restart.size > 0 ? normalize(inboundText(event.message)) : '';
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
      if (waiting && resume?.message)
        runFrom(run, resume.message(waiting, run, event.message), maxSteps, waiting.id);
      else if (settings?.fallbackText) run.say(settings.fallbackText);
      break;
    }
    case 'timer': {
      const wait = s.wait;
      if (s.convTimer === event.timerId) {
        delete s.convTimer;
        const timer = waitTimer(wait);
        if (timer) run.emit({ type: 'cancel_timer', timerId: timer });
        delete s.wait;
        const timeoutNode = flow.settings?.timeoutNode;
        if (timeoutNode) {
          // The timeout path belongs to the main flow.
          s.vars = mainVariables(s);
          delete s.stack;
          delete s.flow;
          runFrom(run, { go: timeoutNode }, maxSteps);
        } else finish(run, 'expired');
      } else if (waiting && resume?.timer && waitTimer(wait) === event.timerId) {
        runFrom(run, resume.timer(waiting, run), maxSteps, waiting.id);
      }
      // Any other timer is stale (already answered or cancelled): nothing to do.
      break;
    }
    case 'http_response': {
      const wait = s.wait;
      if (waiting && resume?.http_response && wait?.k === 'http' && wait.req === event.requestId) {
        const ok =
          event.outcome === 'response' &&
          event.status !== undefined &&
          event.status >= 200 &&
          event.status < 300;
        if (!ok) run.visit({ k: 'http_failed', node: waiting.id });
        runFrom(run, resume.http_response(waiting, run, event), maxSteps, waiting.id);
      }
      break;
    }
    case 'handoff_released':
      if (event.nodeId && s.wait) {
        // Given back at a chosen block (of the main flow, as the timeout path is), whatever the
        // conversation was waiting for when the person took it.
        const timer = waitTimer(s.wait);
        if (timer) run.emit({ type: 'cancel_timer', timerId: timer });
        // Analytics: a main-flow block it waited at is left towards the chosen one.
        const left = s.flow === undefined ? s.wait.node : undefined;
        delete s.wait;
        s.vars = mainVariables(s);
        delete s.stack;
        delete s.flow;
        runFrom(run, { go: event.nodeId }, maxSteps, left);
      } else if (waiting && resume?.handoff_released)
        runFrom(run, resume.handoff_released(waiting, run), maxSteps, waiting.id);
      break;
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

/**
 * The built-in `contact`: its custom attributes by key beside `name`, `phone` and `tags` (an
 * attribute cannot take those keys: the API refuses them).
 */
function contactVariable(info: ContactInfo): Record<string, unknown> {
  const { attributes, ...rest } = info;
  return { ...attributes, ...rest };
}
