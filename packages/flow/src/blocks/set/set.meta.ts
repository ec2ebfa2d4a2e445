// set on the canvas: one output; its assignments as the summary.
import { nextPort, records, type BlockMeta } from '../block-meta.ts';

export const setMeta: BlockMeta<'set'> = {
  type: 'set',
  ports: nextPort,
  defaults: (id) => ({ id, type: 'set', assignments: [{ variable: 'answer', value: '' }] }),
  summary: (node) =>
    records(node.assignments)
      .map((a) => `${String(a.variable ?? '')} = ${JSON.stringify(a.value ?? a.expression ?? '')}`)
      .join(', '),
};
