// handoff on the canvas: one output (when released); what it tells the contact, else the team's
// note, as the summary.
import { messagePreview, nextPort, type BlockMeta } from '../block-meta.ts';

export const handoffMeta: BlockMeta<'handoff'> = {
  type: 'handoff',
  ports: nextPort,
  defaults: (id) => ({ id, type: 'handoff', message: 'A colleague will answer you shortly.' }),
  summary: (node) =>
    typeof node.message === 'string' && node.message ? node.message : String(node.reason ?? ''),
  preview: messagePreview,
};
