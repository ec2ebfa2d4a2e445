// Writes src/webhooks.gen.ts from schemas/webhooks/; a test fails when the checked-in file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateWebhookTypes } from './generate-webhook-types.ts';

const out = fileURLToPath(new URL('../src/webhooks.gen.ts', import.meta.url));
writeFileSync(out, await generateWebhookTypes());
console.log(`wrote ${out}`);
