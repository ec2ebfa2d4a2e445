// jump on the canvas: one output (go to), named in the summary; the preview follows it.
import type { BlockMeta } from '../block-meta.ts';

export const jumpMeta: BlockMeta<'jump'> = {
  type: 'jump',
  ports: () => [{ field: 'target', label: 'go to' }],
  defaults: (id) => ({ id, type: 'jump', target: '' }),
  summary: (node) => (node.target ? `Go to ${String(node.target)}` : ''),
  mainPath: (node) => node.target,
};
