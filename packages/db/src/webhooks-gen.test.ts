import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateWebhookTypes } from '../scripts/generate-webhook-types.ts';

describe('generated webhook payload types', () => {
  it('match schemas/webhooks/ (run `npm run gen:webhooks -w @waflow/db` after changing a schema)', async () => {
    const checkedIn = readFileSync(new URL('./webhooks.gen.ts', import.meta.url), 'utf8');
    expect(checkedIn).toBe(await generateWebhookTypes());
  });
});
