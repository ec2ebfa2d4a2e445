// delay on the canvas: one output; how long it waits as the summary.
import { nextPort, type BlockMeta } from '../block-meta.ts';

export const delayMeta: BlockMeta<'delay'> = {
  type: 'delay',
  ports: nextPort,
  defaults: (id) => ({ id, type: 'delay', seconds: 5 }),
  summary: (node) => `${String(node.seconds ?? '')} s`,
};
