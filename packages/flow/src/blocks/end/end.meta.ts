// end on the canvas: no output; its last message as the summary and the preview.
import { messagePreview, type BlockMeta } from '../block-meta.ts';

export const endMeta: BlockMeta<'end'> = {
  type: 'end',
  ports: () => [],
  defaults: (id) => ({ id, type: 'end', message: 'Thank you!' }),
  summary: (node) => (typeof node.message === 'string' ? node.message : ''),
  preview: messagePreview,
};
