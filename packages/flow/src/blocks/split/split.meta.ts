// split on the canvas: an output per branch; the branches' shares as the summary.
import { records, type BlockMeta } from '../block-meta.ts';

export const splitMeta: BlockMeta<'split'> = {
  type: 'split',
  ports: (node) =>
    records(node.branches).map((b, i) => ({
      field: `branches[${i}].next`,
      label: String(b.label ?? `${String(b.weight ?? '')}%`),
    })),
  defaults: (id) => ({
    id,
    type: 'split',
    branches: [
      { label: 'A', weight: 50, next: '' },
      { label: 'B', weight: 50, next: '' },
    ],
  }),
  summary(node) {
    const weights = records(node.branches).map((b) =>
      typeof b.weight === 'number' && b.weight > 0 ? b.weight : 0,
    );
    const total = weights.reduce((a, b) => a + b, 0);
    return total ? weights.map((w) => `${Math.round((w / total) * 100)}%`).join(' · ') : '';
  },
};
