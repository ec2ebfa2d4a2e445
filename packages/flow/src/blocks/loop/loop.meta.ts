// loop (for each) on the canvas: each item and done outputs; the list and item as the summary.
import type { BlockMeta } from '../block-meta.ts';

export const loopMeta: BlockMeta<'loop'> = {
  type: 'loop',
  ports: () => [
    { field: 'body', label: 'each item' },
    { field: 'next', label: 'done' },
  ],
  defaults: (id) => ({ id, type: 'loop', list: 'items', itemVariable: 'item', body: '' }),
  summary: (node) =>
    node.list
      ? `Each of ${String(node.list)}${node.itemVariable ? ` as ${String(node.itemVariable)}` : ''}`
      : '',
};
