// The flow builder page: the header (save state, undo/redo, tidy up, history, publish), the
// palette, the canvas and the side panel (inspector, preview, simulator) around one draft
// (use-flow-draft.ts: load, autosave with If-Match, undo history), and the keyboard shortcuts.
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useMemo, useState } from 'react';
import { Spinner } from '../components/ui.tsx';
import { useSession } from '../session.tsx';
import { Canvas } from './canvas.tsx';
import type { Sizes } from './canvas-elements.ts';
import { BLOCK_DEFAULTS, newId, type Json } from './graph.ts';
import { Header } from './header.tsx';
import { HistoryDialog } from './history-dialog.tsx';
import { tidyPositions } from './layout.ts';
import { Palette } from './palette.tsx';
import { PublishDialog } from './publish-dialog.tsx';
import { SidePanel, type Panel } from './side-panel.tsx';
import { useFlowDraft } from './use-flow-draft.ts';
import { useShortcuts } from './use-shortcuts.ts';
import { AnalyticsBar } from './analytics/analytics-bar.tsx';
import { overlayOf, useCanvasAnalytics, type OverlayChoice } from './analytics/canvas-analytics.ts';

export function Builder({ flowId }: { flowId: string }) {
  return (
    <ReactFlowProvider>
      <BuilderInner flowId={flowId} />
    </ReactFlowProvider>
  );
}

function BuilderInner({ flowId }: { flowId: string }) {
  const { can } = useSession();
  const editable = can('editor');
  const rf = useReactFlow();
  const { name, config, setConfig, errors, save, load, change, declare, undo, redo } =
    useFlowDraft(flowId);
  const [selected, setSelected] = useState<string | null>(null);
  const [panel, setPanel] = useState<Panel>('inspect');
  const [publishOpen, setPublishOpen] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  // The sizes React Flow measured, kept with the nodes (it reports them as 'dimensions' changes):
  // the nodes are rebuilt from the config on every change, and a rebuilt node without its size
  // stays hidden until its size changes again (a viewer's nodes, rebuilt when the problems
  // arrive, never change size). Tidy up lays the blocks out by these heights.
  const [measured, setMeasured] = useState<Sizes>({});
  const [analytics, setAnalytics] = useState<OverlayChoice>({ on: false, versions: [], days: 7 });
  const figures = useCanvasAnalytics(flowId, analytics);
  const overlay = useMemo(
    () => (analytics.on && figures.data ? overlayOf(figures.data) : undefined),
    [analytics.on, figures.data],
  );

  const addBlock = useCallback(
    (type: string, position: { x: number; y: number }, from?: Json) => {
      if (!config) return;
      const id = newId(config, type);
      const node = from ? { ...from, id } : (BLOCK_DEFAULTS[type]?.(id) ?? { id, type });
      const positions = { ...(config.ui?.positions ?? {}), [id]: position };
      change({
        ...config,
        start: config.start || id,
        nodes: [...config.nodes, node],
        ui: { ...config.ui, positions },
      });
      setSelected(id);
      setPanel('inspect');
    },
    [config, change],
  );

  useShortcuts({ config, selected, editable, undo, redo, addBlock, change, select: setSelected });

  /** "Tidy up": every block laid out again (one undoable edit), then all of them in view. */
  const tidy = useCallback(() => {
    if (!config) return;
    const heights = Object.fromEntries(Object.entries(measured).map(([id, m]) => [id, m.height]));
    change({ ...config, ui: { ...config.ui, positions: tidyPositions(config, heights) } });
    requestAnimationFrame(() => void rf.fitView({ maxZoom: 1, duration: 200 }));
  }, [config, measured, change, rf]);

  if (!config) return <Spinner />;

  return (
    <div className="flex h-[calc(100vh-3.5rem)] flex-col">
      <Header
        name={name}
        save={save}
        errors={errors}
        editable={editable}
        onUndo={undo}
        onRedo={redo}
        onTidy={tidy}
        onHistory={() => setHistoryOpen(true)}
        onPublish={() => setPublishOpen(true)}
        onReload={() => void load()}
      />
      <div className="flex min-h-0 flex-1">
        {editable ? (
          <Palette onAdd={(t) => addBlock(t, { x: 40, y: 40 + config.nodes.length * 60 })} />
        ) : null}
        <Canvas
          config={config}
          errors={errors}
          selected={selected}
          editable={editable}
          measured={measured}
          onMeasured={(sizes) => setMeasured((prev) => ({ ...prev, ...sizes }))}
          change={change}
          show={setConfig}
          select={setSelected}
          inspect={(id) => {
            setSelected(id);
            setPanel('inspect');
          }}
          addBlock={addBlock}
          overlay={overlay}
          toolbar={
            <AnalyticsBar choice={analytics} onChoice={setAnalytics} figures={figures.data} />
          }
        />
        <SidePanel
          panel={panel}
          onPanel={setPanel}
          flowId={flowId}
          config={config}
          errors={errors}
          ready={save === 'saved' && errors.length === 0}
          selected={selected}
          editable={editable}
          change={change}
          declare={declare}
          select={setSelected}
        />
      </div>
      <PublishDialog open={publishOpen} onOpenChange={setPublishOpen} flowId={flowId} />
      <HistoryDialog
        open={historyOpen}
        onOpenChange={setHistoryOpen}
        flowId={flowId}
        editable={editable}
      />
    </div>
  );
}
