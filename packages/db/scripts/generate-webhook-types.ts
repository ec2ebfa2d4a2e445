// Shared by `npm run gen:webhooks -w @waflow/db` and the staleness test: schemas/webhooks/*.json →
// TypeScript, one event type per schema and a map from each event's `type` to its `data`.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const dir = fileURLToPath(new URL('../../../schemas/webhooks/', import.meta.url));

const pascal = (type: string) =>
  type
    .split(/[._]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

export async function generateWebhookTypes(): Promise<string> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.v1.schema.json'))
    .sort();
  const parts: string[] = [
    '/* Generated from schemas/webhooks/ by `npm run gen:webhooks -w @waflow/db`. Do not edit: change the schemas. */',
    '',
  ];
  const entries: string[] = [];
  for (const file of files) {
    const schema = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as JSONSchema & {
      title: string;
    };
    const name = `${pascal(schema.title)}Event`;
    // The title is the event type; compile under the type's own name, not the title.
    const source = await compile({ ...schema, title: name }, name, {
      cwd: dir,
      bannerComment: '',
      additionalProperties: false,
      unreachableDefinitions: false,
      strictIndexSignatures: true,
      style: { singleQuote: true, printWidth: 100 },
    });
    parts.push(source.trim(), '');
    // A flow's own events carry the name its webhook block sets; the platform's have a const type.
    const type = (schema.properties as Record<string, { const?: string }> | undefined)?.type;
    if (type?.const) entries.push(`  '${type.const}': ${name}['data'];`);
  }
  parts.push(
    '/** Each platform event type and the `data` its payload carries (flow events: FlowWebhookEvent). */',
    'export interface WebhookPayloads {',
    ...entries,
    '}',
    '',
    'export type WebhookEventType = keyof WebhookPayloads;',
    '',
  );
  return parts.join('\n');
}
