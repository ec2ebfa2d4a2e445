/* Generated from schemas/blocks/ by `npm run gen -w @waflow/flow`. Do not edit: add the block's folder (src/blocks/<type>/) and its schema. */
import type { NodeType } from '../schema/types.ts';
import type { BlockMeta } from './block-meta.ts';
import { sayMeta } from './say/say.meta.ts';
import { askMeta } from './ask/ask.meta.ts';
import { conditionMeta } from './condition/condition.meta.ts';
import { setMeta } from './set/set.meta.ts';
import { jumpMeta } from './jump/jump.meta.ts';
import { subflowMeta } from './subflow/subflow.meta.ts';
import { returnMeta } from './return/return.meta.ts';
import { loopMeta } from './loop/loop.meta.ts';
import { delayMeta } from './delay/delay.meta.ts';
import { splitMeta } from './split/split.meta.ts';
import { webhookMeta } from './webhook/webhook.meta.ts';
import { httpMeta } from './http/http.meta.ts';
import { handoffMeta } from './handoff/handoff.meta.ts';
import { endMeta } from './end/end.meta.ts';

/** Every block type's canvas side, by node type (no executors: the web app imports these). */
export const metas = {
  say: sayMeta,
  ask: askMeta,
  condition: conditionMeta,
  set: setMeta,
  jump: jumpMeta,
  subflow: subflowMeta,
  return: returnMeta,
  loop: loopMeta,
  delay: delayMeta,
  split: splitMeta,
  webhook: webhookMeta,
  http: httpMeta,
  handoff: handoffMeta,
  end: endMeta,
} satisfies { readonly [T in NodeType]: BlockMeta<T> };
