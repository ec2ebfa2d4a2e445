/* Generated from schemas/blocks/ by `npm run gen -w @waflow/flow`. Do not edit: add the block's folder (src/blocks/<type>/) and its schema. */
import type { NodeOf, NodeType } from '../schema/types.ts';
import type { BlockDefinition } from './block-definition.ts';
import { sayBlock } from './say/say.block.ts';
import { askBlock } from './ask/ask.block.ts';
import { conditionBlock } from './condition/condition.block.ts';
import { setBlock } from './set/set.block.ts';
import { jumpBlock } from './jump/jump.block.ts';
import { subflowBlock } from './subflow/subflow.block.ts';
import { returnBlock } from './return/return.block.ts';
import { loopBlock } from './loop/loop.block.ts';
import { delayBlock } from './delay/delay.block.ts';
import { splitBlock } from './split/split.block.ts';
import { webhookBlock } from './webhook/webhook.block.ts';
import { httpBlock } from './http/http.block.ts';
import { handoffBlock } from './handoff/handoff.block.ts';
import { endBlock } from './end/end.block.ts';

/** Every block type, by node type: what the engine and the validator know of it. */
export const blocks = {
  say: sayBlock,
  ask: askBlock,
  condition: conditionBlock,
  set: setBlock,
  jump: jumpBlock,
  subflow: subflowBlock,
  return: returnBlock,
  loop: loopBlock,
  delay: delayBlock,
  split: splitBlock,
  webhook: webhookBlock,
  http: httpBlock,
  handoff: handoffBlock,
  end: endBlock,
} satisfies { readonly [T in NodeType]: BlockDefinition<NodeOf<T>> };
