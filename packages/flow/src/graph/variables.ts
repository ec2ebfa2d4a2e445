// The variables a block reads and writes (each block type says which, in its definition).
import { blocks } from '../blocks/index.ts';
import type { BlockDefinition } from '../blocks/block-definition.ts';
import type { FlowNode } from '../schema/types.ts';
import type { VariableUses } from './variable-refs.ts';

export {
  BUILTIN_VARIABLES,
  logicVariables,
  templateVariables,
  type VariableUse,
} from './variable-refs.ts';

export function variableUses(node: FlowNode): VariableUses {
  const def: BlockDefinition<FlowNode> = blocks[node.type];
  return def.variables(node);
}
