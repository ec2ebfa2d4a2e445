// validateFlow: the JSON Schema (ajv) first, then the checks a schema cannot express — links
// between blocks, reachability, declared variables, sub-flows, loops that would spin — and the
// warnings that do not stop a publish (an http block calling a literal internal address).
import { blocks, type BlockDefinition, type CheckContext } from '../blocks/index.ts';
import { edgesOf } from '../graph/edges.ts';
import { BUILTIN_VARIABLES, variableUses } from '../graph/variables.ts';
import { isTimeZone } from '../engine/clock.ts';
import type { FlowConfig, FlowNode } from '../schema/types.ts';
import type { FlowError } from './flow-error.ts';
import { CONTACT_BUILTIN_KEYS, contactAttributeReads } from './contact-attribute-reads.ts';
import { regexError } from './rule-checks.ts';
import { schemaErrors } from './schema-errors.ts';

export type ValidateContext = CheckContext;

export type ValidationResult =
  | { ok: true; flow: FlowConfig; errors: []; warnings: FlowError[] }
  | { ok: false; errors: FlowError[]; warnings: FlowError[] };

export function validateFlow(doc: unknown, ctx: ValidateContext = {}): ValidationResult {
  const fromSchema = schemaErrors(doc);
  if (fromSchema.length > 0) return { ok: false, errors: fromSchema, warnings: [] };
  // The schema holds: doc has the FlowConfig shape.
  const flow = doc as FlowConfig;
  const errors: FlowError[] = [];
  const warnings: FlowError[] = [];
  const byId = new Map<string, FlowNode>();

  for (const node of flow.nodes) {
    if (byId.has(node.id)) {
      errors.push({
        code: 'DUPLICATE_NODE_ID',
        nodeId: node.id,
        field: 'id',
        message: `Two blocks are called "${node.id}": rename one of them.`,
      });
    } else byId.set(node.id, node);
  }

  const declared = new Set<string>();
  flow.variables.forEach((v, i) => {
    if (declared.has(v.name)) {
      errors.push({
        code: 'DUPLICATE_VARIABLE',
        field: `variables[${i}].name`,
        message: `The variable "${v.name}" is declared twice: remove one.`,
      });
    }
    if (BUILTIN_VARIABLES.has(v.name)) {
      errors.push({
        code: 'DUPLICATE_VARIABLE',
        field: `variables[${i}].name`,
        message: `"${v.name}" is a built-in variable: pick another name.`,
      });
    }
    declared.add(v.name);
  });

  const linkMissing = (nodeId: string | undefined, field: string, target: string) =>
    errors.push({
      code: 'NODE_NOT_FOUND',
      ...(nodeId === undefined ? {} : { nodeId }),
      field,
      message: `"${target}" is not a block of this flow: connect it to an existing block.`,
    });

  if (!byId.has(flow.start)) linkMissing(undefined, 'start', flow.start);
  if (flow.triggers.length === 0) {
    errors.push({
      code: 'NO_TRIGGER',
      field: 'triggers',
      message: 'Nothing starts this flow: add a trigger (for example a keyword).',
    });
  }
  flow.triggers.forEach((t, i) => {
    if (t.target !== undefined && !byId.has(t.target))
      linkMissing(undefined, `triggers[${i}].target`, t.target);
    if (t.type === 'regex') {
      const err = regexError(t.pattern, t.flags);
      if (err)
        errors.push({
          code: 'INVALID_REGEX',
          field: `triggers[${i}].pattern`,
          message: `This pattern is not a valid regular expression (${err}): correct it.`,
        });
    }
  });
  const timeoutNode = flow.settings?.timeoutNode;
  if (timeoutNode !== undefined && !byId.has(timeoutNode))
    linkMissing(undefined, 'settings.timeoutNode', timeoutNode);
  const timeZone = flow.settings?.timezone;
  if (timeZone !== undefined && !isTimeZone(timeZone)) {
    errors.push({
      code: 'INVALID_TIMEZONE',
      field: 'settings.timezone',
      message: `"${timeZone}" is not a time zone: write one like Europe/Madrid or America/Mexico_City.`,
    });
  }

  for (const node of byId.values()) {
    for (const e of edgesOf(node)) if (!byId.has(e.target)) linkMissing(node.id, e.field, e.target);

    const { reads, writes } = variableUses(node);
    for (const u of [...reads, ...writes]) {
      if (!declared.has(u.name) && !BUILTIN_VARIABLES.has(u.name)) {
        errors.push({
          code: 'UNDECLARED_VARIABLE',
          nodeId: node.id,
          field: u.field,
          message: `The variable "${u.name}" is not declared: add it to the flow's variables or fix the name.`,
        });
      }
    }

    const attributes = ctx.contactAttributes;
    if (attributes)
      for (const r of contactAttributeReads(node))
        if (!CONTACT_BUILTIN_KEYS.has(r.key) && !attributes.has(r.key))
          errors.push({
            code: 'UNKNOWN_CONTACT_ATTRIBUTE',
            nodeId: node.id,
            field: r.field,
            message: `"contact.${r.key}" is not a contact attribute of this workspace: declare "${r.key}" on the Contacts page or fix the name.`,
          });

    const def: BlockDefinition<FlowNode> = blocks[node.type];
    for (const issue of def.check?.(node, ctx) ?? []) errors.push({ ...issue, nodeId: node.id });
    for (const issue of def.warn?.(node, ctx) ?? []) warnings.push({ ...issue, nodeId: node.id });
  }

  // Reachability from the start and every trigger target.
  const reached = new Set<string>();
  const queue = [
    flow.start,
    ...flow.triggers.map((t) => t.target).filter((t): t is string => t !== undefined),
  ];
  if (timeoutNode) queue.push(timeoutNode);
  while (queue.length > 0) {
    const id = queue.pop() ?? '';
    if (reached.has(id)) continue;
    const node = byId.get(id);
    if (!node) continue;
    reached.add(id);
    for (const e of edgesOf(node)) queue.push(e.target);
  }
  for (const node of byId.values()) {
    if (!reached.has(node.id)) {
      errors.push({
        code: 'UNREACHABLE_NODE',
        nodeId: node.id,
        field: 'id',
        message: 'No path leads to this block: connect it or delete it.',
      });
    }
  }

  // A cycle through blocks that never wait would spin forever: refuse it.
  const spinning = findSpinningCycle(byId);
  if (spinning) {
    errors.push({
      code: 'LOOP_WITHOUT_INPUT',
      nodeId: spinning[0] ?? '',
      field: 'next',
      message: `These blocks go round in a circle without waiting for the contact: ${spinning.join(' → ')}. Add a question or a wait in the circle, or break it.`,
    });
  }

  return errors.length === 0
    ? { ok: true, flow, errors: [], warnings }
    : { ok: false, errors, warnings };
}

function findSpinningCycle(byId: Map<string, FlowNode>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const node = byId.get(id);
    const def: BlockDefinition<FlowNode> | undefined = node && blocks[node.type];
    if (!node || !def || def.waits) return undefined;
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const e of edgesOf(node)) {
      // A for-each's body may link back to it: that circle ends with the list (maxItems).
      if (def.boundedPorts?.includes(e.field)) continue;
      const found = visit(e.target);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of byId.keys()) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}
