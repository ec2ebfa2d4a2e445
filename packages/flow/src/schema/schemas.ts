// The flow JSON Schemas (schemas/ at the repository root is their one home), for the validator,
// the API's OpenAPI document and the builder's generated forms.
import flowSchema from '../../../../schemas/flow.schema.json';
import common from '../../../../schemas/blocks/common.schema.json';
import say from '../../../../schemas/blocks/say.schema.json';
import ask from '../../../../schemas/blocks/ask.schema.json';
import condition from '../../../../schemas/blocks/condition.schema.json';
import set from '../../../../schemas/blocks/set.schema.json';
import jump from '../../../../schemas/blocks/jump.schema.json';
import subflow from '../../../../schemas/blocks/subflow.schema.json';
import returnBlock from '../../../../schemas/blocks/return.schema.json';
import loop from '../../../../schemas/blocks/loop.schema.json';
import delay from '../../../../schemas/blocks/delay.schema.json';
import split from '../../../../schemas/blocks/split.schema.json';
import webhook from '../../../../schemas/blocks/webhook.schema.json';
import http from '../../../../schemas/blocks/http.schema.json';
import handoff from '../../../../schemas/blocks/handoff.schema.json';
import end from '../../../../schemas/blocks/end.schema.json';

export { flowSchema };

/** Block schemas by node type, in palette order. */
export const blockSchemas = {
  say,
  ask,
  condition,
  set,
  jump,
  subflow,
  return: returnBlock,
  loop,
  delay,
  split,
  webhook,
  http,
  handoff,
  end,
} as const;

export const commonSchema = common;

export type BlockType = keyof typeof blockSchemas;
export const blockTypes = Object.keys(blockSchemas) as BlockType[];
