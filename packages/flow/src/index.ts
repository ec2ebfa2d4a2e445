export type * from './schema/types.ts';
export type { FlowError, FlowErrorCode } from './validate/flow-error.ts';
export {
  validateFlow,
  type ValidateContext,
  type ValidationResult,
} from './validate/validate-flow.ts';
export { advance, DEFAULT_MAX_STEPS } from './engine/advance.ts';
export type {
  AdvanceResult,
  ContactInfo,
  ConversationState,
  Effect,
  EndReason,
  FlowEvent,
  InboundContent,
  Menu,
  OutboundContent,
  SubflowMap,
  Visit,
} from './engine/types.ts';
export { matchTrigger } from './triggers/match-trigger.ts';
export { matchChoice, normalize } from './engine/text-match.ts';
export { render } from './engine/template.ts';
export { edgesOf } from './graph/edges.ts';
export { diffFlows, type FlowDiff } from './graph/diff.ts';
export { clockAt, isTimeZone, type Clock } from './engine/clock.ts';
