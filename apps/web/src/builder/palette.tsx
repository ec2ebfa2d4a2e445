// The palette: the block types by category, dragged onto the canvas (or double-clicked to add).
import { blockTypes } from '@waflow/flow/schemas';
import { blockCategory, blockName } from './block-ui.ts';

export function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  return (
    <aside
      className="w-36 shrink-0 space-y-3 overflow-y-auto border-r border-line bg-panel p-3 lg:w-44"
      aria-label="Blocks"
    >
      <p className="text-xs text-muted">Drag a block onto the canvas.</p>
      {['Messages', 'Logic', 'Integrations', 'People'].map((cat) => (
        <div key={cat}>
          <h2 className="mb-1 text-xs font-semibold text-muted uppercase">{cat}</h2>
          {blockTypes
            .filter((t) => blockCategory(t) === cat)
            .map((t) => (
              <div
                key={t}
                draggable
                data-testid={`palette-${t}`}
                onDragStart={(e) => {
                  e.dataTransfer.setData('application/waflow-block', t);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onDoubleClick={() => onAdd(t)}
                className="mb-1 cursor-grab rounded-md border border-line px-2 py-1.5 text-sm hover:border-brand"
              >
                {blockName(t)}
              </div>
            ))}
        </div>
      ))}
    </aside>
  );
}
