// The flow JSON Schemas (schemas/ at the repository root is their one home), for the validator,
// the API's OpenAPI document and the builder's generated forms. The block list is generated from
// schemas/blocks/ (block-schemas.gen.ts).
import flowSchema from '../../../../schemas/flow.schema.json';
import common from '../../../../schemas/blocks/common.schema.json';
import { blockSchemas } from './block-schemas.gen.ts';

export { flowSchema, blockSchemas };

export const commonSchema = common;

export type BlockType = keyof typeof blockSchemas;
export const blockTypes = Object.keys(blockSchemas) as BlockType[];
