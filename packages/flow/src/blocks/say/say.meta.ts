// say on the canvas: one output; its text (or caption, template name, or kind) as the summary
// and the preview.
import { messagePreview, nextPort, record, type BlockMeta } from '../block-meta.ts';

export const sayMeta: BlockMeta<'say'> = {
  type: 'say',
  ports: nextPort,
  defaults: (id) => ({ id, type: 'say', message: { kind: 'text', text: 'Hello!' } }),
  summary(node) {
    const msg = node.message;
    if (!msg || typeof msg !== 'object') return '';
    const m = record(msg);
    if (m.kind === 'template') return `Template ${String(m.name ?? '')}`.trim();
    return String(m.text ?? m.caption ?? m.kind ?? '');
  },
  preview: messagePreview,
};
