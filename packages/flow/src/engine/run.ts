// One advance() in progress: the mutable working copy of the state, the effects so far, and
// helpers the block executors share. Nothing here touches the outside world.
import type { FlowConfig, FlowNode } from '../schema/types.ts';
import type { ConversationState, Effect, EndReason, Menu, SubflowMap, Visit } from './types.ts';
import { clockAt, type Clock } from './clock.ts';

/** What a block executor decides. `go: undefined` means this path ends here. */
export type Step = { go: string | undefined } | { wait: true } | { end: EndReason };

/** Whether a flow's blocks read `now` (a rule's {"var": "now…"}, a {{now…}} in text), per flow object. */
const nowUsers = new WeakMap<FlowConfig, boolean>();
const READS_NOW = /"var":\[?"now(?:\.|")|\{\{\s*now[\s.}]/;
function usesNow(flow: FlowConfig): boolean {
  let uses = nowUsers.get(flow);
  if (uses === undefined) {
    uses = READS_NOW.test(JSON.stringify(flow.nodes));
    nowUsers.set(flow, uses);
  }
  return uses;
}

/** Blocks by id, per flow object (flows are immutable once loaded). */
const nodeIndex = new WeakMap<FlowConfig, Map<string, FlowNode>>();

type EffectInput = Effect extends infer E ? (E extends Effect ? Omit<E, 'id'> : never) : never;

export class Run {
  readonly effects: Effect[] = [];
  /** The main flow's blocks visited (analytics); a sub-flow's blocks are not counted. */
  readonly visits: Visit[] = [];

  constructor(
    readonly main: FlowConfig,
    readonly subflows: SubflowMap,
    public state: ConversationState,
    readonly now: number,
  ) {}

  /** The flow being run (the main one, or a sub-flow). */
  get flow(): FlowConfig | undefined {
    return this.state.flow === undefined ? this.main : this.subflows[this.state.flow];
  }

  node(id: string): FlowNode | undefined {
    const flow = this.flow;
    if (!flow) return undefined;
    let index = nodeIndex.get(flow);
    if (!index) {
      index = new Map(flow.nodes.map((n) => [n.id, n]));
      nodeIndex.set(flow, index);
    }
    return index.get(id);
  }

  /**
   * What rules and text read: the variables and, in a flow that uses it, the built-in `now` (the
   * time in the main flow's time zone), for every template and rule; a webhook's "all variables"
   * payload is the variables themselves. A flow without `now` reads the variables as they are: no copy.
   */
  get scope(): Record<string, unknown> {
    const flow = this.flow ?? this.main;
    if (!usesNow(flow)) return this.state.vars;
    this.clock ??= clockAt(this.now, this.main.settings?.timezone);
    return { ...this.state.vars, now: this.clock };
  }

  private clock: Clock | undefined;

  nextId(): string {
    this.state.seq += 1;
    return `e${this.state.seq}`;
  }

  emit(effect: EffectInput): string {
    const id = this.nextId();
    // Object.assign on the fresh literal: cheaper than a spread on this hot path.
    this.effects.push(Object.assign(effect, { id }));
    return id;
  }

  say(text: string, menu?: Menu): void {
    if (text.trim() !== '')
      this.emit({
        type: 'send',
        message: menu ? { kind: 'text', text, menu } : { kind: 'text', text },
      });
  }

  /** Notes a visit to a block of the main flow (nothing inside a sub-flow: its ids are another flow's). */
  visit(v: Visit): void {
    if (this.state.flow === undefined) this.visits.push(v);
  }

  setTimer(seconds: number, purpose: 'ask_timeout' | 'delay' | 'conversation_timeout'): string {
    return this.emit({ type: 'set_timer', dueAt: this.now + seconds * 1000, purpose });
  }
}
