// The canvas: blocks dropped from the palette, edges drawn from a block's outputs (and deleted),
// blocks moved (saved when the drag stops), a click selects a block for the inspector.
import { Background, Controls, ReactFlow, useReactFlow, type Connection } from '@xyflow/react';
import { useCallback, useMemo, type DragEvent, type ReactNode } from 'react';
import type { Overlay } from './analytics/canvas-analytics.ts';
import { canvasEdges, canvasNodes, type Sizes } from './canvas-elements.ts';
import { nodeTypes } from './canvas-nodes.tsx';
import { setPath, type FlowConfig } from './graph.ts';
import { START_ID } from './layout.ts';
import type { FlowError } from './use-flow-draft.ts';

export function Canvas({
  config,
  errors,
  selected,
  editable,
  measured,
  onMeasured,
  change,
  show,
  select,
  inspect,
  addBlock,
  overlay,
  toolbar,
}: {
  config: FlowConfig;
  errors: FlowError[];
  selected: string | null;
  editable: boolean;
  measured: Sizes;
  onMeasured: (sizes: Sizes) => void;
  /** An edit (undoable, saved). */
  change: (c: FlowConfig) => void;
  /** A config shown but not recorded (a block being dragged). */
  show: (c: FlowConfig) => void;
  select: (id: string | null) => void;
  /** A block clicked: selected, and the side panel shows it. */
  inspect: (id: string | null) => void;
  addBlock: (type: string, position: { x: number; y: number }) => void;
  /** The analytics painted on the blocks and edges (absent: the overlay is off). */
  overlay?: Overlay | undefined;
  /** Drawn over the canvas's top left corner (the analytics toggle). */
  toolbar?: ReactNode;
}) {
  const rf = useReactFlow();
  const nodes = useMemo(
    () => canvasNodes(config, errors, selected, measured, overlay),
    [config, errors, selected, measured, overlay],
  );
  const edges = useMemo(() => canvasEdges(config, overlay), [config, overlay]);

  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.target || c.target === START_ID) return;
      if (c.source === START_ID) return change({ ...config, start: c.target });
      change({
        ...config,
        nodes: config.nodes.map((n) =>
          n.id === c.source && c.sourceHandle ? setPath(n, c.sourceHandle, c.target) : n,
        ),
      });
    },
    [config, change],
  );

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const type = e.dataTransfer.getData('application/waflow-block');
    if (type) addBlock(type, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  return (
    <div
      className="relative min-w-0 flex-1"
      onDragOver={(e) => e.preventDefault()}
      onDrop={onDrop}
      data-testid="canvas"
    >
      {toolbar}
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onConnect={editable ? onConnect : undefined}
        nodesDraggable={editable}
        nodesConnectable={editable}
        onNodeClick={(_, n) => inspect(n.id === START_ID ? null : n.id)}
        onPaneClick={() => select(null)}
        onNodeDragStop={(_, n) =>
          editable &&
          change({
            ...config,
            ui: {
              ...config.ui,
              positions: { ...(config.ui?.positions ?? {}), [n.id]: n.position },
            },
          })
        }
        onNodesChange={(changes) => {
          // Live dragging moves the node on screen; the position is saved on drag stop.
          for (const c of changes)
            if (c.type === 'position' && c.position && c.dragging)
              show({
                ...config,
                ui: {
                  ...config.ui,
                  positions: { ...(config.ui?.positions ?? {}), [c.id]: c.position },
                },
              });
          const sized = changes.flatMap((c) =>
            c.type === 'dimensions' && c.dimensions ? [[c.id, c.dimensions] as const] : [],
          );
          if (sized.length > 0) onMeasured(Object.fromEntries(sized));
        }}
        onEdgesDelete={(deleted) => {
          if (!editable) return;
          let next = config;
          for (const e of deleted) {
            if (e.source === START_ID) continue;
            next = {
              ...next,
              nodes: next.nodes.map((n) =>
                n.id === e.source && e.sourceHandle
                  ? setPath(n, e.sourceHandle, e.sourceHandle.endsWith('].next') ? '' : undefined)
                  : n,
              ),
            };
          }
          change(next);
        }}
        deleteKeyCode={null}
        fitView
        fitViewOptions={{ maxZoom: 1 }}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls />
      </ReactFlow>
    </div>
  );
}
