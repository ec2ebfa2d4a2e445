// The block registry: one definition per node type (generated from schemas/blocks/, typed so a
// node type without its folder fails to compile).
export { blocks } from './blocks.gen.ts';
export type { BlockDefinition, BlockIssue, CheckContext, Resume } from './block-definition.ts';
