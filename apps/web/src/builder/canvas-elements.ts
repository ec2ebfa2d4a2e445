// The flow config as React Flow's nodes and edges: the start and a node per block (where the
// admin put it, with its problems), an edge per connected output.
import type { Edge, Node } from '@xyflow/react';
import { getPath, portsOf, type FlowConfig } from './graph.ts';
import { START_ID } from './layout.ts';
import type { FlowError } from './use-flow-draft.ts';
import { trafficKey, type Overlay } from './analytics/canvas-analytics.ts';

export type Sizes = Record<string, { width: number; height: number }>;

/**
 * `measured`: the sizes React Flow reported, so that a rebuilt node is not hidden until it is
 * measured again. `overlay`: the analytics painted on every block (null: reached by none).
 */
export function canvasNodes(
  config: FlowConfig,
  errors: FlowError[],
  selected: string | null,
  measured: Sizes,
  overlay?: Overlay,
): Node[] {
  const pos = config.ui?.positions ?? {};
  const size = (id: string) => (measured[id] ? { measured: measured[id] } : {});
  const start: Node = {
    id: START_ID,
    type: 'start',
    position: pos[START_ID] ?? { x: 0, y: -140 },
    data: { triggers: config.triggers },
    deletable: false,
    ...size(START_ID),
  };
  return [
    start,
    ...config.nodes.map((n, i): Node => ({
      id: String(n.id),
      type: 'block',
      position: pos[String(n.id)] ?? { x: (i % 3) * 280, y: Math.floor(i / 3) * 200 },
      data: {
        node: n,
        errors: errors.filter((e) => e.nodeId === n.id),
        ...(overlay ? { stats: overlay.blocks.get(String(n.id)) ?? null } : {}),
      },
      selected: selected === n.id,
      ...size(String(n.id)),
    })),
  ];
}

/** `overlay`: edges drawn by traffic (width by conversations carried, the count in the label). */
export function canvasEdges(config: FlowConfig, overlay?: Overlay): Edge[] {
  const out: Edge[] = config.start
    ? [
        {
          id: 'start',
          source: START_ID,
          sourceHandle: 'start',
          target: config.start,
          animated: true,
        },
      ]
    : [];
  for (const n of config.nodes) {
    for (const p of portsOf(n)) {
      const target = getPath(n, p.field);
      if (typeof target === 'string' && target) {
        const count = overlay?.traffic.get(trafficKey(String(n.id), target)) ?? 0;
        out.push({
          id: `${String(n.id)}:${p.field}`,
          source: String(n.id),
          sourceHandle: p.field,
          target,
          label: overlay ? `${p.label ? `${p.label} · ` : ''}${count}` : p.label,
          ...(overlay
            ? {
                style: {
                  strokeWidth: 1 + (7 * count) / overlay.max,
                  opacity: count > 0 ? 1 : 0.35,
                  stroke: 'var(--color-brand)',
                },
              }
            : {}),
        });
      }
    }
  }
  return out;
}
