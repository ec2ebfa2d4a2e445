// The meta of a draft's block type, or none for a type that is not one (a draft may hold anything).
import type { NodeType } from '../schema/types.ts';
import type { BlockMeta } from './block-meta.ts';
import { metas } from './metas.gen.ts';

export function isNodeType(type: unknown): type is NodeType {
  return typeof type === 'string' && Object.hasOwn(metas, type);
}

export function metaOf(type: unknown): BlockMeta<NodeType> | undefined {
  return isNodeType(type) ? metas[type] : undefined;
}
