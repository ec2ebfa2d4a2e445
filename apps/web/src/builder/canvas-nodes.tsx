// How the canvas draws a block (its name, summary, pinned problems and one handle per output)
// and the start (the flow's triggers in words).
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { cx } from '../components/ui.tsx';
import { blockName } from './block-ui.ts';
import { portsOf, summary, type Json } from './graph.ts';
import type { FlowError } from './use-flow-draft.ts';
import { BlockStats } from './analytics/block-stats.tsx';
import type { BlockFigures } from './analytics/canvas-analytics.ts';

interface BlockData extends Record<string, unknown> {
  node: Json;
  errors: FlowError[];
  /** With the analytics overlay on: the block's figures (null: no conversation reached it). */
  stats?: BlockFigures | null;
}

function BlockNode({ data, selected }: NodeProps<Node<BlockData>>) {
  const ports = portsOf(data.node);
  const type = String(data.node.type);
  return (
    <div
      data-testid={`block-${String(data.node.id)}`}
      className={cx(
        'w-56 rounded-lg border bg-panel text-fg shadow-sm',
        data.errors.length ? 'border-danger' : selected ? 'border-brand' : 'border-line',
      )}
    >
      <Handle type="target" position={Position.Top} className="!h-3 !w-3 !bg-muted" />
      <div className="border-b border-line px-3 py-1.5 text-xs text-muted">
        {blockName(type)} · {String(data.node.id)}
      </div>
      <div className="px-3 py-2 text-sm">
        {String(data.node.label ?? '') || summary(data.node) || (
          <span className="text-muted">—</span>
        )}
      </div>
      {data.stats !== undefined ? (
        <BlockStats id={String(data.node.id)} type={type} stats={data.stats} />
      ) : null}
      {data.errors.length ? (
        <ul
          className="border-t border-danger/30 bg-red-50 px-3 py-1.5 text-xs text-danger dark:bg-red-950/40"
          role="alert"
        >
          {data.errors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      ) : null}
      {ports.length ? (
        <div className="flex justify-around gap-1 border-t border-line px-1 pt-1 pb-3 text-[10px] text-muted">
          {ports.map((p) => (
            <div key={p.field} className="relative flex flex-col items-center">
              <span className="max-w-20 truncate">{p.label}</span>
              <Handle
                id={p.field}
                type="source"
                position={Position.Bottom}
                className="!-bottom-3 !h-3 !w-3 !bg-brand"
              />
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function StartNode({ data }: NodeProps<Node<{ triggers: Json[] }>>) {
  const describe = (t: Json) =>
    t.type === 'keyword'
      ? `says ${(t.keywords as string[] | undefined)?.join(', ') ?? ''}`
      : t.type === 'any'
        ? 'any message'
        : t.type === 'first_message'
          ? 'first message'
          : t.type === 'regex'
            ? `matches ${String(t.pattern)}`
            : t.type === 'api'
              ? 'started by the API'
              : String(t.type);
  return (
    <div className="w-56 rounded-lg border-2 border-brand bg-panel px-3 py-2 text-sm shadow-sm">
      <div className="font-medium text-brand">Start</div>
      <div className="text-xs text-muted">
        When a contact {data.triggers.map(describe).join(' · ') || '…'}
      </div>
      <Handle id="start" type="source" position={Position.Bottom} className="!h-3 !w-3 !bg-brand" />
    </div>
  );
}

export const nodeTypes = { block: BlockNode, start: StartNode };
