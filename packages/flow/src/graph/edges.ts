// The edges out of a block: every field that names another block (its meta's ports that are set),
// with where it sits (for errors).
import { metas } from '../blocks/metas.gen.ts';
import type { FlowNode } from '../schema/types.ts';
import { getPath } from './field-path.ts';

export interface Edge {
  field: string;
  target: string;
}

export function edgesOf(node: FlowNode): Edge[] {
  const out: Edge[] = [];
  for (const { field } of metas[node.type].ports({ ...node })) {
    const target = getPath(node, field);
    if (typeof target === 'string') out.push({ field, target });
  }
  return out;
}
