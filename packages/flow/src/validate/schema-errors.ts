// Runs the ajv-compiled flow schema and turns its errors into FlowErrors an admin understands.
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020.js';
import { blockSchemas, blockTypes, commonSchema, flowSchema } from '../schema/schemas.ts';
import type { FlowError } from './flow-error.ts';

const ajv = new Ajv2020({ allErrors: true, discriminator: true, verbose: true, strict: false });
ajv.addKeyword('x-ui');
ajv.addSchema(commonSchema);
for (const s of Object.values(blockSchemas)) ajv.addSchema(s);
const validateSchema = ajv.compile(flowSchema);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `/nodes/3/validation/options/1` → node index 3 and field `validation.options[1]`. */
function locate(doc: unknown, instancePath: string): { nodeId?: string; field: string } {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let nodeId: string | undefined;
  let rest = parts;
  if (parts[0] === 'nodes' && parts[1] !== undefined && isRecord(doc) && Array.isArray(doc.nodes)) {
    const node: unknown = doc.nodes[Number(parts[1])];
    if (isRecord(node) && typeof node.id === 'string') nodeId = node.id;
    else nodeId = `#${Number(parts[1]) + 1}`;
    rest = parts.slice(2);
  }
  let field = '';
  for (const p of rest) field += /^\d+$/.test(p) ? `[${p}]` : field ? `.${p}` : p;
  return nodeId === undefined ? { field } : { nodeId, field };
}

function titleOf(schema: unknown, fallback: string): string {
  return isRecord(schema) && typeof schema.title === 'string'
    ? `"${schema.title}"`
    : `"${fallback}"`;
}

/** A title meant for admins (not one naming a generated type, like `AskNode` or `FlowConfig`). */
function adminTitle(schema: unknown): string | undefined {
  const title = isRecord(schema) ? schema.title : undefined;
  return typeof title === 'string' && !/^[A-Z][a-z]+[A-Z]/.test(title) ? title : undefined;
}

/** The title of a flow field or a block field, where the field refers to a shared definition. */
function fieldTitle(doc: unknown, instancePath: string): string | undefined {
  const parts = instancePath.split('/').slice(1);
  const prop = parts[parts.length - 1] ?? '';
  if (parts.length === 1) {
    const props: unknown = flowSchema.properties;
    return isRecord(props) ? adminTitle(props[prop]) : undefined;
  }
  if (parts.length !== 3 || parts[0] !== 'nodes' || !isRecord(doc) || !Array.isArray(doc.nodes))
    return undefined;
  const node: unknown = doc.nodes[Number(parts[1])];
  const type = isRecord(node) ? node.type : undefined;
  const block: unknown =
    typeof type === 'string'
      ? Object.entries(blockSchemas).find(([t]) => t === type)?.[1]
      : undefined;
  return isRecord(block) && isRecord(block.properties)
    ? adminTitle(block.properties[prop])
    : undefined;
}

/** What the error is about, as the admin sees it: the field's title from the schema. */
function subjectOf(doc: unknown, e: ErrorObject): string {
  if (e.instancePath === '') return 'A flow';
  const title = fieldTitle(doc, e.instancePath) ?? adminTitle(e.parentSchema);
  return title === undefined ? 'This value' : `"${title}"`;
}

function describe(doc: unknown, e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  const subject = subjectOf(doc, e);
  switch (e.keyword) {
    case 'required': {
      const prop = String(p.missingProperty);
      const sub =
        isRecord(e.parentSchema) && isRecord(e.parentSchema.properties)
          ? e.parentSchema.properties[prop]
          : undefined;
      return `${titleOf(sub, prop)} is missing: fill it in.`;
    }
    case 'additionalProperties':
      return `"${String(p.additionalProperty)}" is not a setting here: remove it.`;
    case 'type':
      return `${subject} must be ${p.type === 'integer' ? 'a whole number' : p.type === 'object' ? 'a group of settings' : p.type === 'array' ? 'a list' : p.type === 'string' ? 'text' : `a ${String(p.type)}`}.`;
    case 'minLength':
      return p.limit === 1
        ? `${subject} cannot be empty.`
        : `${subject} needs at least ${String(p.limit)} characters.`;
    case 'maxLength':
      return `${subject} is too long: at most ${String(p.limit)} characters.`;
    case 'minItems':
      return `${subject} needs at least ${String(p.limit)} ${p.limit === 1 ? 'entry' : 'entries'}.`;
    case 'maxItems':
      return `${subject} has too many entries: at most ${String(p.limit)}.`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `${subject} must be ${e.keyword === 'minimum' ? 'at least' : 'more than'} ${String(p.limit)}.`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${subject} must be ${e.keyword === 'maximum' ? 'at most' : 'less than'} ${String(p.limit)}.`;
    case 'enum':
      return `${subject} must be one of: ${(Array.isArray(p.allowedValues) ? p.allowedValues : []).join(', ')}.`;
    case 'const':
      return `${subject} must be ${JSON.stringify(p.allowedValue)}.`;
    case 'pattern':
      return isRecord(e.parentSchema) && typeof e.parentSchema.description === 'string'
        ? `${subject} is not in the right form. ${e.parentSchema.description}`
        : `${subject} is not in the right form.`;
    case 'discriminator':
      if (p.error === 'mapping') {
        const options = e.instancePath.includes('/triggers/')
          ? 'keyword, regex, any, first_message, api'
          : e.instancePath.includes('/validation')
            ? 'text, number, email, phone, date, regex, choice, media'
            : e.instancePath.includes('/message')
              ? 'text, media, location, template'
              : blockTypes.join(', ');
        return `"${String(p.tagValue)}" is not a known kind: use one of ${options}.`;
      }
      return `"${String(p.tag)}" is missing: fill it in.`;
    default:
      return `${subject} is not valid here: check it.`;
  }
}

export function schemaErrors(doc: unknown): FlowError[] {
  if (validateSchema(doc)) return [];
  const seen = new Set<string>();
  const out: FlowError[] = [];
  for (const e of validateSchema.errors ?? []) {
    // oneOf/if noise: the discriminator already picked the branch and reported inside it.
    if (e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const loc = locate(doc, e.instancePath);
    let field = loc.field;
    const child =
      e.keyword === 'required'
        ? String(e.params.missingProperty)
        : e.keyword === 'discriminator'
          ? String(e.params.tag)
          : undefined;
    if (child !== undefined) field = field ? `${field}.${child}` : child;
    const message = describe(doc, e);
    const key = `${loc.nodeId ?? ''}|${field}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      code: 'SCHEMA',
      ...(loc.nodeId === undefined ? {} : { nodeId: loc.nodeId }),
      field,
      message,
    });
  }
  return out;
}
