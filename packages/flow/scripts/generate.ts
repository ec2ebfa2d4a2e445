// Shared by the gen script and the staleness test: everything derived from schemas/. The block
// list is read from schemas/blocks/ (one <type>.schema.json per block, in `x-ui.order`), and from
// it: the `node` oneOf of schemas/flow.schema.json, the TypeScript types, the block schemas'
// imports, and the two registries (definitions, metas) that import each block's folder.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { format, resolveConfig } from 'prettier';

const schemasDir = fileURLToPath(new URL('../../../schemas/', import.meta.url));
const BANNER = 'Generated from schemas/blocks/ by `npm run gen -w @waflow/flow`. Do not edit';

export interface BlockFile {
  /** The node type (the file name, and the schema's `type` const). */
  type: string;
  /** A TypeScript identifier for it: `returnBlock`, `sayMeta`. */
  ident: string;
  order: number;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** The blocks of schemas/blocks/ in palette order; a schema whose `type` const is not its file name is refused. */
export function blockFiles(): BlockFile[] {
  const files = readdirSync(`${schemasDir}blocks/`).filter(
    (f) => f.endsWith('.schema.json') && f !== 'common.schema.json',
  );
  const blocks = files.map((file) => {
    const type = file.replace(/\.schema\.json$/, '');
    const schema = readJson(`${schemasDir}blocks/${file}`);
    const props = schema.properties as Record<string, { const?: unknown }> | undefined;
    if (props?.type?.const !== type)
      throw new Error(`schemas/blocks/${file}: "type" must be { "const": "${type}" }`);
    const ui = schema['x-ui'] as { order?: unknown } | undefined;
    if (typeof ui?.order !== 'number')
      throw new Error(
        `schemas/blocks/${file}: "x-ui" needs a numeric "order" (its place in the palette)`,
      );
    const ident = type.replace(/[-_](\w)/g, (_, c: string) => c.toUpperCase());
    return { type, ident, order: ui.order };
  });
  return blocks.sort((a, b) => a.order - b.order || a.type.localeCompare(b.type));
}

function flowSchemaObject(blocks: BlockFile[]): Record<string, unknown> {
  const schema = readJson(`${schemasDir}flow.schema.json`);
  const defs = schema.$defs as Record<string, Record<string, unknown>>;
  if (!defs.node) throw new Error('schemas/flow.schema.json has no $defs.node');
  defs.node.oneOf = blocks.map((b) => ({ $ref: `blocks/${b.type}.schema.json` }));
  return schema;
}

/** schemas/flow.schema.json with its `node` oneOf listing every block schema. */
export function generateFlowSchema(blocks = blockFiles()): string {
  return `${JSON.stringify(flowSchemaObject(blocks), null, 2)}\n`;
}

export async function generateFlowTypes(blocks = blockFiles()): Promise<string> {
  const schema: JSONSchema = flowSchemaObject(blocks);
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

export function generateBlockSchemas(blocks = blockFiles()): string {
  return [
    `/* ${BANNER}: add or change a block schema. */`,
    ...blocks.map(
      (b) => `import ${b.ident}Schema from '../../../../schemas/blocks/${b.type}.schema.json';`,
    ),
    '',
    '/** Block schemas by node type, in palette order (`x-ui.order`). */',
    'export const blockSchemas = {',
    ...blocks.map((b) => `  ${key(b.type)}: ${b.ident}Schema,`),
    '} as const;',
    '',
  ].join('\n');
}

function key(type: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(type) ? type : `'${type}'`;
}

function registry(blocks: BlockFile[], kind: 'block' | 'meta'): string {
  const suffix = kind === 'block' ? 'Block' : 'Meta';
  const head =
    kind === 'block'
      ? [
          "import type { NodeOf, NodeType } from '../schema/types.ts';",
          "import type { BlockDefinition } from './block-definition.ts';",
        ]
      : [
          "import type { NodeType } from '../schema/types.ts';",
          "import type { BlockMeta } from './block-meta.ts';",
        ];
  const type = kind === 'block' ? 'BlockDefinition<NodeOf<T>>' : 'BlockMeta<T>';
  return [
    `/* ${BANNER}: add the block's folder (src/blocks/<type>/) and its schema. */`,
    ...head,
    ...blocks.map((b) => `import { ${b.ident}${suffix} } from './${b.type}/${b.type}.${kind}.ts';`),
    '',
    kind === 'block'
      ? '/** Every block type, by node type: what the engine and the validator know of it. */'
      : "/** Every block type's canvas side, by node type (no executors: the web app imports these). */",
    `export const ${kind === 'block' ? 'blocks' : 'metas'} = {`,
    ...blocks.map((b) => `  ${key(b.type)}: ${b.ident}${suffix},`),
    `} satisfies { readonly [T in NodeType]: ${type} };`,
    '',
  ].join('\n');
}

/** Every generated file, by its path from packages/flow/ (the repository root's schemas/ with ../../), as Prettier writes it. */
export async function generatedFiles(): Promise<Record<string, string>> {
  const blocks = blockFiles();
  const files: Record<string, string> = {
    '../../schemas/flow.schema.json': generateFlowSchema(blocks),
    'src/schema/flow.gen.ts': await generateFlowTypes(blocks),
    'src/schema/block-schemas.gen.ts': generateBlockSchemas(blocks),
    'src/blocks/blocks.gen.ts': registry(blocks, 'block'),
    'src/blocks/metas.gen.ts': registry(blocks, 'meta'),
  };
  const root = fileURLToPath(new URL('../', import.meta.url));
  for (const [path, text] of Object.entries(files)) {
    const filepath = root + path;
    files[path] = await format(text, { ...(await resolveConfig(filepath)), filepath });
  }
  return files;
}
