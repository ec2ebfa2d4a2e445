// The webhook event schemas (schemas/webhooks/*.schema.json, one per event and version) that the
// OpenAPI document lists under `webhooks`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WebhookEventSchema } from './openapi.ts';

const dir = fileURLToPath(new URL('../../../../schemas/webhooks/', import.meta.url));

export function loadWebhookEventSchemas(): WebhookEventSchema[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((f) => {
      const schema = JSON.parse(readFileSync(`${dir}${f}`, 'utf8')) as Record<string, unknown>;
      return {
        name: typeof schema.title === 'string' ? schema.title : f.replace(/\.schema\.json$/, ''),
        schema,
      };
    });
}
