// "Tidy up": lays the blocks out top-down in the order a conversation meets them — Start on top,
// each block one row below the first block that leads to it, a block that one block leads to
// straight under it, siblings side by side in the order of their outputs. Blocks nothing leads to
// go in rows below the rest. Loops (a "try again" back to an ask, a jump) keep the block where the
// conversation first reached it.
import { getPath, portsOf, type FlowConfig } from './graph.ts';

export const START_ID = '__start__';
/** A block is 224 px wide (w-56): columns leave 56 px between two. */
const COLUMN = 280;
const ROW_GAP = 70;
const DEFAULT_HEIGHT = 110;

type Position = { x: number; y: number };

/** New positions for Start and every block; `heights` are the measured ones (a block with a problem listed is taller). */
export function tidyPositions(
  config: FlowConfig,
  heights: Record<string, number> = {},
): Record<string, Position> {
  const ids = config.nodes.map((n) => String(n.id));
  const known = new Set(ids);
  const next = new Map<string, string[]>([
    [START_ID, known.has(config.start) ? [config.start] : []],
  ]);
  for (const n of config.nodes) {
    const targets = portsOf(n)
      .map((p) => getPath(n, p.field))
      .filter((t): t is string => typeof t === 'string' && known.has(t));
    next.set(String(n.id), [...new Set(targets)]);
  }

  // Rows by breadth-first search from Start; then from each block still unplaced, below.
  const row = new Map<string, number>();
  const parent = new Map<string, string>();
  const rows: string[][] = [];
  const walk = (root: string, first: number) => {
    row.set(root, first);
    const queue = [root];
    while (queue.length) {
      const id = queue.shift() as string;
      const r = row.get(id) as number;
      (rows[r] ??= []).push(id);
      for (const t of next.get(id) ?? []) {
        if (row.has(t)) continue;
        row.set(t, r + 1);
        parent.set(t, id);
        queue.push(t);
      }
    }
  };
  walk(START_ID, 0);
  for (const id of ids) if (!row.has(id)) walk(id, rows.length);

  // Each row: every block wants to sit under its parent, its siblings spread around that point;
  // then the row is pushed apart where two would overlap, keeping their order.
  const x = new Map<string, number>();
  const out: Record<string, Position> = {};
  let y = 0;
  for (const ids of rows) {
    const wanted = new Map<string, number>();
    const byParent = new Map<string, string[]>();
    for (const id of ids) {
      const p = parent.get(id);
      if (p !== undefined) byParent.set(p, [...(byParent.get(p) ?? []), id]);
    }
    let free = 0;
    for (const id of ids) {
      const p = parent.get(id);
      if (p === undefined) wanted.set(id, (free++ - (ids.length - 1) / 2) * COLUMN);
      else {
        const siblings = byParent.get(p) as string[];
        wanted.set(
          id,
          (x.get(p) ?? 0) + (siblings.indexOf(id) - (siblings.length - 1) / 2) * COLUMN,
        );
      }
    }
    const ordered = [...ids].sort((a, b) => (wanted.get(a) as number) - (wanted.get(b) as number));
    const placed = ordered.map((id) => wanted.get(id) as number);
    for (let i = 1; i < placed.length; i++)
      placed[i] = Math.max(placed[i] as number, (placed[i - 1] as number) + COLUMN);
    // Pushing apart only moves blocks right: shift the row back by half of what it gained.
    const drift =
      placed.reduce((s, v, i) => s + v - (wanted.get(ordered[i] as string) as number), 0) /
      Math.max(placed.length, 1);
    ordered.forEach((id, i) => {
      const px = Math.round((placed[i] as number) - drift);
      x.set(id, px);
      out[id] = { x: px, y };
    });
    y += Math.max(...ids.map((id) => heights[id] ?? DEFAULT_HEIGHT)) + ROW_GAP;
  }
  return out;
}
