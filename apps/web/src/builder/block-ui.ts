// A block type's name and palette category, from the `x-ui` hints of its schema.
import { blockSchemas } from '@waflow/flow/schemas';
import type { Json } from './graph.ts';

export const blockName = (type: string) =>
  ((blockSchemas as Record<string, Json>)[type]?.['x-ui'] as { name?: string } | undefined)?.name ??
  type;
export const blockCategory = (type: string) =>
  ((blockSchemas as Record<string, Json>)[type]?.['x-ui'] as { category?: string } | undefined)
    ?.category ?? 'Other';
