// The builder's side panel: the selected block's inspector (or the flow's settings when none is
// selected), the form-style preview, and the simulator, as tabs.
import { cx } from '../components/ui.tsx';
import { FlowSettings } from './flow-settings.tsx';
import { removeNode, type FlowConfig } from './graph.ts';
import { Inspector } from './inspector.tsx';
import { Preview } from './preview.tsx';
import { Simulator } from './simulator.tsx';
import type { FlowError } from './use-flow-draft.ts';

export type Panel = 'inspect' | 'preview' | 'simulator';

export function SidePanel({
  panel,
  onPanel,
  flowId,
  config,
  errors,
  ready,
  selected,
  editable,
  change,
  declare,
  select,
}: {
  panel: Panel;
  onPanel: (p: Panel) => void;
  flowId: string;
  config: FlowConfig;
  errors: FlowError[];
  /** Saved and without problems: the simulator can run it. */
  ready: boolean;
  selected: string | null;
  editable: boolean;
  change: (c: FlowConfig) => void;
  /** An edit of the flow settings, which declare the variables. */
  declare: (c: FlowConfig) => void;
  select: (id: string | null) => void;
}) {
  const node = config.nodes.find((n) => n.id === selected);
  const variables = [
    ...new Set([
      ...config.variables.map((v) => v.name),
      ...config.nodes.map((n) => n.saveAs).filter((v): v is string => typeof v === 'string'),
      'contact',
    ]),
  ];
  return (
    <aside
      className="flex w-80 shrink-0 flex-col border-l border-line bg-panel xl:w-96"
      aria-label="Side panel"
    >
      <div className="flex border-b border-line" role="tablist">
        {(['inspect', 'preview', 'simulator'] as const).map((p) => (
          <button
            key={p}
            role="tab"
            aria-selected={panel === p}
            onClick={() => onPanel(p)}
            className={cx(
              'flex-1 py-2 text-sm',
              panel === p ? 'border-b-2 border-brand font-medium' : 'text-muted',
            )}
          >
            {p === 'inspect' ? 'Block' : p === 'preview' ? 'Preview' : 'Simulator'}
          </button>
        ))}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto p-4">
        {panel === 'preview' ? (
          <Preview config={config} />
        ) : panel === 'simulator' ? (
          <Simulator flowId={flowId} ready={ready} />
        ) : node ? (
          <Inspector
            node={node}
            editable={editable}
            errors={errors.filter((e) => e.nodeId === node.id)}
            ctx={{
              variables,
              nodeIds: config.nodes.map((n) => String(n.id)).filter((id) => id !== node.id),
              flowId,
            }}
            onChange={(n) =>
              change({ ...config, nodes: config.nodes.map((x) => (x.id === node.id ? n : x)) })
            }
            onDelete={() => {
              change(removeNode(config, String(node.id)));
              select(null);
            }}
          />
        ) : (
          <FlowSettings
            config={config}
            editable={editable}
            ctx={{
              variables,
              nodeIds: config.nodes.map((n) => String(n.id)),
              errors: {},
              onCanvas: false,
            }}
            onChange={declare}
          />
        )}
      </div>
    </aside>
  );
}
