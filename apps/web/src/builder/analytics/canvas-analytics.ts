// The builder's analytics overlay: the block figures of the flow (GET …/analytics/flows/:id/blocks,
// packages/db analytics/canvas-figures.ts) for the chosen versions and days, and what the canvas
// draws from them.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { useWs } from '../../session.tsx';

export interface BlockFigures {
  nodeId: string;
  entered: number;
  left: number;
  stopped: number;
  dropOffPct: number;
  invalid: number;
  httpFailed: number;
  medianMs: number | null;
  exits: Record<string, number>;
}

export interface CanvasFigures {
  blocks: BlockFigures[];
  edges: { from: string; to: string; count: number }[];
  versions: { id: string; version: number }[];
}

export interface OverlayChoice {
  on: boolean;
  /** Version numbers (empty: every published one). */
  versions: number[];
  days: number;
}

/** What the canvas paints: figures per block (absent block: reached by none) and traffic per edge. */
export interface Overlay {
  blocks: Map<string, BlockFigures>;
  /** Conversations that went from a block to the next, by `from\0to`. */
  traffic: Map<string, number>;
  max: number;
}

export const trafficKey = (from: string, to: string) => `${from}\u0000${to}`;

export function overlayOf(f: CanvasFigures): Overlay {
  const traffic = new Map(f.edges.map((e) => [trafficKey(e.from, e.to), e.count]));
  return {
    blocks: new Map(f.blocks.map((b) => [b.nodeId, b])),
    traffic,
    max: Math.max(1, ...traffic.values()),
  };
}

export function useCanvasAnalytics(flowId: string, choice: OverlayChoice) {
  const ws = useWs();
  const to = new Date();
  to.setHours(24, 0, 0, 0);
  const qs = new URLSearchParams({
    from: new Date(to.getTime() - choice.days * 86_400_000).toISOString(),
    to: to.toISOString(),
    ...(choice.versions.length ? { versions: choice.versions.join(',') } : {}),
  }).toString();
  return useQuery({
    queryKey: [ws, 'analytics', 'blocks', flowId, qs],
    queryFn: () => api.get<CanvasFigures>(`${ws}/analytics/flows/${flowId}/blocks?${qs}`),
    enabled: choice.on,
  });
}
