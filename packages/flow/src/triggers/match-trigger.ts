// Does an inbound message start this flow? Keyword (exact / contains, case- and
// accent-insensitive), regex, any message, first message of a contact.
import type { FlowConfig, Trigger } from '../schema/types.ts';
import type { InboundContent } from '../engine/types.ts';
import { inboundText } from '../engine/inbound-text.ts';
import { normalize } from '../engine/text-match.ts';

export function matchTrigger(
  flow: FlowConfig,
  message: InboundContent,
  opts: { isFirstMessage?: boolean } = {},
): Trigger | undefined {
  const text = inboundText(message);
  const n = normalize(text);
  for (const t of flow.triggers) {
    switch (t.type) {
      case 'keyword': {
        const hit = t.keywords.some((k) => {
          const nk = normalize(k);
          return t.match === 'exact' ? n === nk : nk !== '' && ` ${n} `.includes(` ${nk} `);
        });
        if (hit) return t;
        break;
      }
      case 'regex':
        try {
          if (new RegExp(t.pattern, t.flags).test(text)) return t;
        } catch {
          /* the validator refuses bad patterns; a stored one never matches */
        }
        break;
      case 'any':
        return t;
      case 'first_message':
        if (opts.isFirstMessage) return t;
        break;
      case 'api':
        break;
      default: {
        const never: never = t;
        throw new Error(`unknown trigger ${JSON.stringify(never)}`);
      }
    }
  }
  return undefined;
}
