// What a block type is to the engine and the validator, in one place: the variables it reads and
// writes, whether it waits for the outside world, its own validator checks, what it does when the
// run reaches it (`execute`) and how it goes on when what it waited for arrives (`resume`). Its
// links are its meta's ports (one list for the canvas and the validator).
import type { Run, Step } from '../engine/run.ts';
import type { FlowEvent, InboundContent } from '../engine/types.ts';
import type { VariableUse } from '../graph/variable-refs.ts';
import type { FlowNode, NodeType } from '../schema/types.ts';
import type { FlowError } from '../validate/flow-error.ts';
import type { BlockMeta } from './block-meta.ts';

export interface CheckContext {
  /** Ids of the workspace's flows a sub-flow block may call; unset: not checked. */
  flowIds?: readonly string[] | undefined;
  /**
   * The egress policy's verdict on a host written as an IP address (the API passes
   * @waflow/egress's, with the operator's allow-lists): why it would be refused and which
   * variables allow it, or undefined when it is allowed or no IP. Unset: not checked.
   */
  refusedHost?: ((host: string) => { reason: string; allowWith: string } | undefined) | undefined;
  /**
   * The keys of the workspace's contact attributes: what `{{contact.<key>}}` may read and a set
   * block's `saveToContact` may write (besides name, phone and tags). Unset: not checked.
   */
  contactAttributes?: ReadonlySet<string> | undefined;
}

/** An error a block's own check finds; the validator adds the block's id. */
export type BlockIssue = Omit<FlowError, 'nodeId'>;

export type HttpResponseEvent = Extract<FlowEvent, { type: 'http_response' }>;

/**
 * How a waiting block goes on. The engine calls the handler of the block named by the state's
 * `wait` for the event that arrived: a message; the wait's own timer (`wait.timer`); the answer
 * to the wait's request (`wait.req`); a person releasing the conversation. A message with no
 * handler gets the flow's fallback text. Methods (not function properties), so a definition for
 * one node type is usable where any node's is expected.
 */
export interface Resume<N extends FlowNode> {
  message?(node: N, run: Run, message: InboundContent): Step;
  timer?(node: N, run: Run): Step;
  http_response?(node: N, run: Run, event: HttpResponseEvent): Step;
  handoff_released?(node: N, run: Run): Step;
}

export interface BlockDefinition<N extends FlowNode> {
  meta: BlockMeta<N['type'] & NodeType>;
  variables(node: N): { reads: VariableUse[]; writes: VariableUse[] };
  /** Whether a run stops here until something comes from outside (a reply, a timer, an answer). */
  waits: boolean;
  /** Outputs whose circle back to this block ends by itself (a for-each's body): not a spin. */
  boundedPorts?: readonly string[];
  /** What the JSON Schema cannot say about this block (a regex that compiles, a known flow…). */
  check?(node: N, ctx: CheckContext): BlockIssue[];
  /** What is worth telling but does not stop a publish (an address an operator may allow). */
  warn?(node: N, ctx: CheckContext): BlockIssue[];
  execute(node: N, run: Run): Step;
  resume?: Resume<N>;
}
