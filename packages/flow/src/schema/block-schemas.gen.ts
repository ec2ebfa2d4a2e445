/* Generated from schemas/blocks/ by `npm run gen -w @waflow/flow`. Do not edit: add or change a block schema. */
import saySchema from '../../../../schemas/blocks/say.schema.json';
import askSchema from '../../../../schemas/blocks/ask.schema.json';
import conditionSchema from '../../../../schemas/blocks/condition.schema.json';
import setSchema from '../../../../schemas/blocks/set.schema.json';
import jumpSchema from '../../../../schemas/blocks/jump.schema.json';
import subflowSchema from '../../../../schemas/blocks/subflow.schema.json';
import returnSchema from '../../../../schemas/blocks/return.schema.json';
import loopSchema from '../../../../schemas/blocks/loop.schema.json';
import delaySchema from '../../../../schemas/blocks/delay.schema.json';
import splitSchema from '../../../../schemas/blocks/split.schema.json';
import webhookSchema from '../../../../schemas/blocks/webhook.schema.json';
import httpSchema from '../../../../schemas/blocks/http.schema.json';
import handoffSchema from '../../../../schemas/blocks/handoff.schema.json';
import endSchema from '../../../../schemas/blocks/end.schema.json';

/** Block schemas by node type, in palette order (`x-ui.order`). */
export const blockSchemas = {
  say: saySchema,
  ask: askSchema,
  condition: conditionSchema,
  set: setSchema,
  jump: jumpSchema,
  subflow: subflowSchema,
  return: returnSchema,
  loop: loopSchema,
  delay: delaySchema,
  split: splitSchema,
  webhook: webhookSchema,
  http: httpSchema,
  handoff: handoffSchema,
  end: endSchema,
} as const;
