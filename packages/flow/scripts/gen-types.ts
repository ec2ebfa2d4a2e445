// Generates src/schema/flow.gen.ts from schemas/flow.schema.json (json-schema-to-typescript).
// `npm run gen -w @waflow/flow`; a test fails when the checked-in file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateFlowTypes } from './generate.ts';

const out = fileURLToPath(new URL('../src/schema/flow.gen.ts', import.meta.url));
writeFileSync(out, await generateFlowTypes());
console.log(`wrote ${out}`);
