// The one size limit of a flow: its number of blocks (WAFLOW_MAX_FLOW_BLOCKS). Checked before a
// flow is created, imported, saved as a draft or published, so an oversized flow is refused in
// plain words and never stored (not saved with a schema error to fix later).
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { defaultLimits, limitVariable } from '../../limits.ts';

const count = (n: number) => n.toLocaleString('en-US');

/** Throws 422 FLOW_TOO_LARGE when `cfg` has more blocks than this deployment allows. */
export function refuseOversizedFlow(deps: Deps, cfg: Record<string, unknown>): void {
  const max = (deps.limits ?? defaultLimits).maxFlowBlocks;
  const blocks = Array.isArray(cfg.nodes) ? cfg.nodes.length : 0;
  if (blocks <= max) return;
  const variable = limitVariable('maxFlowBlocks');
  throw new AppError(
    422,
    'FLOW_TOO_LARGE',
    `This flow has ${count(blocks)} blocks; a flow can have at most ${count(max)} (${variable}). Split it into sub-flows, or ask your operator to raise ${variable}.`,
    { blocks, max },
  );
}
