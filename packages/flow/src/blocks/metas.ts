// `@waflow/flow/metas`: every block type's canvas side (ports, defaults, summary, preview) and the
// helpers the builder reads drafts with. Imports nothing of the engine: safe for the web app.
export { metas } from './metas.gen.ts';
export { isNodeType, metaOf } from './meta-of.ts';
export type { BlockMeta, Draft, Port, PreviewStep } from './block-meta.ts';
export type { NodeType } from '../schema/types.ts';
export { getPath, setPath } from '../graph/field-path.ts';
export {
  buildRule,
  describeRule,
  parseRule,
  RULE_OPERATORS,
  type SimpleRule,
} from './condition/describe-rule.ts';
