// A flow's variables at the start of a run: each declared one with its default (or null).
import type { FlowConfig } from '../schema/types.ts';

export function initialVariables(flow: FlowConfig): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const v of flow.variables) if (v.default !== undefined) vars[v.name] = v.default;
  return vars;
}
