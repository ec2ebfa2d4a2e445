// The text a keyword, a stop word or a typed answer is read from, for every kind of inbound message.
import type { InboundContent } from './types.ts';

export function inboundText(c: InboundContent): string {
  switch (c.kind) {
    case 'text':
      return c.text;
    case 'media':
      return c.caption ?? '';
    case 'choice':
      return c.label ?? String(c.option);
    case 'location':
      return '';
    default: {
      const never: never = c;
      throw new Error(`unknown inbound message ${JSON.stringify(never)}`);
    }
  }
}
