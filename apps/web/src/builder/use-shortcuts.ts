// The builder's keyboard: Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Y) undo and redo, Ctrl/Cmd+C and
// Ctrl/Cmd+V copy and paste the selected block, Delete or Backspace removes it. Keys typed in a
// form field stay with the field.
import { useEffect, useRef } from 'react';
import { removeNode, type FlowConfig, type Json } from './graph.ts';

export function useShortcuts({
  config,
  selected,
  editable,
  undo,
  redo,
  addBlock,
  change,
  select,
}: {
  config: FlowConfig | null;
  selected: string | null;
  editable: boolean;
  undo: () => void;
  redo: () => void;
  addBlock: (type: string, position: { x: number; y: number }, from?: Json) => void;
  change: (c: FlowConfig) => void;
  select: (id: string | null) => void;
}) {
  const clipboard = useRef<Json | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || !editable || !config) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) redo();
        else undo();
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        redo();
      } else if (mod && e.key.toLowerCase() === 'c' && selected) {
        clipboard.current = config.nodes.find((n) => n.id === selected) ?? null;
      } else if (mod && e.key.toLowerCase() === 'v' && clipboard.current) {
        const p = config.ui?.positions?.[String(clipboard.current.id)] ?? { x: 0, y: 0 };
        addBlock(String(clipboard.current.type), { x: p.x + 40, y: p.y + 40 }, clipboard.current);
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && selected) {
        change(removeNode(config, selected));
        select(null);
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [config, selected, editable, undo, redo, addBlock, change, select]);
}
