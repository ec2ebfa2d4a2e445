// return on the canvas: no output (it goes back to the calling flow).
import type { BlockMeta } from '../block-meta.ts';

export const returnMeta: BlockMeta<'return'> = {
  type: 'return',
  ports: () => [],
  defaults: (id) => ({ id, type: 'return' }),
  summary: () => 'Back to the calling flow',
};
