// Shared by the gen script and the staleness test: schema → TypeScript source.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const schemasDir = fileURLToPath(new URL('../../../schemas/', import.meta.url));

export async function generateFlowTypes(): Promise<string> {
  const schema: JSONSchema = JSON.parse(readFileSync(`${schemasDir}flow.schema.json`, 'utf8'));
  return compile(schema, 'FlowConfig', {
    cwd: schemasDir,
    bannerComment:
      '/* Generated from schemas/flow.schema.json by `npm run gen -w @waflow/flow`. Do not edit: change the schema. */',
    additionalProperties: false,
    unreachableDefinitions: false,
    strictIndexSignatures: true,
    ignoreMinAndMaxItems: true,
    style: { singleQuote: true, printWidth: 100 },
  });
}
