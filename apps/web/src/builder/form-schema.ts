// What the schema form reads from a JSON Schema: the subset of keywords it draws, the context a
// form is drawn in, and resolving `$ref`s to the common definitions.
import { blockSchemas, commonSchema } from '@waflow/flow/schemas';
import type { Json } from './graph.ts';

export type Schema = Json & {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  discriminator?: { propertyName: string };
  $ref?: string;
  'x-ui'?: { widget?: string; placeholder?: string; enumLabels?: string[]; name?: string };
};

export interface FormContext {
  variables: string[];
  nodeIds: string[];
  /** Problems of this block by field path (from the validator). */
  errors: Record<string, string>;
  /** "Go to" fields are drawn as edges on the canvas (a block's outputs; not the flow's settings). */
  onCanvas?: boolean;
  /** The flow being edited (a template's "Pick from Meta" lists its Cloud API numbers' templates). */
  flowId?: string;
}

const commonDefs = (commonSchema as Json).$defs as Record<string, Schema>;

/** Resolves `common.schema.json#/$defs/x` (and keeps the local overrides next to the $ref). */
export function resolve(s: Schema): Schema {
  if (!s.$ref) return s;
  const name = /#\/\$defs\/(\w+)$/.exec(s.$ref)?.[1];
  const base = (name && commonDefs[name]) || {};
  const { $ref: _r, ...rest } = s;
  return { ...base, ...rest, 'x-ui': { ...(base['x-ui'] ?? {}), ...(rest['x-ui'] ?? {}) } };
}

/**
 * The help under a `{{variable}}` text: how to insert one, after the field's own description
 * when it has one (not the shared definition's generic "Text with {{variable}} placeholders.").
 */
export function templateHelp(s: Schema): string {
  const own = s.description !== commonDefs.template?.description ? s.description : undefined;
  return own ? `${own} Type {{ to insert a variable.` : 'Type {{ to insert a variable.';
}

/** A field that names another block (a "go to"), but not a block's own id. */
export const isNodeRef = (name: string, schema: Schema) =>
  schema.pattern === commonDefs.nodeId?.pattern && name !== 'id';

export const humanize = (k: string) =>
  k.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

export function blockSchema(type: string): Schema | undefined {
  return (blockSchemas as unknown as Record<string, Schema>)[type];
}
