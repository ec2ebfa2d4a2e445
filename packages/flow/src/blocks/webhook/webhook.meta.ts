// webhook on the canvas: one output; its event name as the summary.
import { nextPort, type BlockMeta } from '../block-meta.ts';

export const webhookMeta: BlockMeta<'webhook'> = {
  type: 'webhook',
  ports: nextPort,
  defaults: (id) => ({ id, type: 'webhook', event: 'lead.created', payload: {} }),
  summary: (node) => String(node.event ?? ''),
};
