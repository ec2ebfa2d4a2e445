// http on the canvas: success, failure and timeout outputs; method and address as the summary.
import type { BlockMeta } from '../block-meta.ts';

export const httpMeta: BlockMeta<'http'> = {
  type: 'http',
  ports: () => [
    { field: 'next', label: 'success' },
    { field: 'onFailure', label: 'failure' },
    { field: 'onTimeout', label: 'timeout' },
  ],
  defaults: (id) => ({ id, type: 'http', method: 'GET', url: 'https://example.com/api' }),
  summary: (node) => `${String(node.method ?? '')} ${String(node.url ?? '')}`,
};
