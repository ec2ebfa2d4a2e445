// A block's figures on the canvas with the analytics overlay on: conversations that reached it,
// how many stopped there (the drop-off), the median time spent, refused answers and failed calls.
import { cx } from '../../components/ui.tsx';
import { duration } from '../../pages/overview/overview-types.ts';
import type { BlockFigures } from './canvas-analytics.ts';

/** `type`: a handoff's conversations waiting there are with a person, not lost; an end's have ended. */
export function BlockStats({
  id,
  type,
  stats,
}: {
  id: string;
  type: string;
  stats: BlockFigures | null;
}) {
  const s = stats ?? {
    entered: 0,
    stopped: 0,
    dropOffPct: 0,
    medianMs: null,
    invalid: 0,
    httpFailed: 0,
  };
  return (
    <div
      data-testid={`stats-${id}`}
      className="space-y-0.5 border-t border-line bg-brand/5 px-3 py-1.5 text-xs"
    >
      <div className="flex justify-between gap-2">
        <span>
          <b>{s.entered}</b> reached
        </span>
        {type === 'handoff' ? (
          <span>{s.stopped} with a person</span>
        ) : type === 'end' ? null : (
          <span className={cx(s.dropOffPct >= 50 && s.stopped > 0 && 'font-medium text-danger')}>
            {s.stopped} stopped ({s.dropOffPct}%)
          </span>
        )}
      </div>
      <div className="flex justify-between gap-2 text-muted">
        <span>median {duration(s.medianMs)}</span>
        {s.invalid ? <span>{s.invalid} invalid answers</span> : null}
        {s.httpFailed ? <span>{s.httpFailed} failed calls</span> : null}
      </div>
    </div>
  );
}
