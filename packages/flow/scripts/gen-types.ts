// Writes everything generated from schemas/ (see generate.ts): the flow schema's block list, the
// types, the block schemas' imports and the block registries. `npm run gen -w @waflow/flow`; a
// test fails when a checked-in file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './generate.ts';

for (const [path, text] of Object.entries(await generatedFiles())) {
  const out = fileURLToPath(new URL(`../${path}`, import.meta.url));
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
