// subflow on the canvas: one output (after the called flow returns).
import { nextPort, type BlockMeta } from '../block-meta.ts';

export const subflowMeta: BlockMeta<'subflow'> = {
  type: 'subflow',
  ports: nextPort,
  defaults: (id) => ({ id, type: 'subflow', flowId: '' }),
  summary: () => '',
};
