// Friendly names for the generated flow types (the shapes themselves live in flow.gen.ts,
// generated from schemas/ — never written twice by hand).
import type {
  AskNode,
  ConditionNode,
  DelayNode,
  EndNode,
  FlowConfig,
  FlowNode,
  HandoffNode,
  HttpNode,
  JumpNode,
  LoopNode,
  ReturnNode,
  SayNode,
  SetNode,
  SplitNode,
  SubflowNode,
  Trigger,
  WebhookNode,
} from './flow.gen.ts';

export type {
  AskNode,
  ConditionNode,
  DelayNode,
  EndNode,
  FlowConfig,
  FlowNode,
  HandoffNode,
  HttpNode,
  JumpNode,
  LoopNode,
  ReturnNode,
  SayNode,
  SetNode,
  SplitNode,
  SubflowNode,
  Trigger,
  WebhookNode,
};

export type NodeType = FlowNode['type'];
export type NodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>;
