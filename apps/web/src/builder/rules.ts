// A condition's rule as a non-coder sees it ("variable · operator · value"): read and written by
// the rule editor here and by the canvas's summary; the code is the condition block's, in
// @waflow/flow (src/blocks/condition/describe-rule.ts).
export {
  buildRule,
  describeRule,
  parseRule,
  RULE_OPERATORS,
  type SimpleRule,
} from '@waflow/flow/metas';
