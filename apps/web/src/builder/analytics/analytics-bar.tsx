// The canvas's "Analytics" toggle, and when on, the versions and days the overlay adds up, with a
// line saying what the figures are (or that none reached the flow yet).
import { Button, Select } from '../../components/ui.tsx';
import type { CanvasFigures, OverlayChoice } from './canvas-analytics.ts';

export function AnalyticsBar({
  choice,
  onChoice,
  figures,
}: {
  choice: OverlayChoice;
  onChoice: (c: OverlayChoice) => void;
  figures: CanvasFigures | undefined;
}) {
  const reached = figures?.blocks.reduce((m, b) => Math.max(m, b.entered), 0) ?? 0;
  return (
    <div className="absolute top-2 left-2 z-10 flex flex-wrap items-center gap-2 rounded-lg border border-line bg-panel px-2 py-1.5 text-sm shadow-sm">
      <Button
        size="sm"
        variant={choice.on ? 'primary' : 'secondary'}
        aria-pressed={choice.on}
        onClick={() => onChoice({ ...choice, on: !choice.on })}
      >
        Analytics
      </Button>
      {choice.on ? (
        <>
          <Select
            aria-label="Versions"
            value={choice.versions.join(',')}
            onChange={(e) =>
              onChoice({
                ...choice,
                versions: e.target.value ? e.target.value.split(',').map(Number) : [],
              })
            }
            className="w-44"
          >
            <option value="">All published versions</option>
            {figures?.versions.map((v) => (
              <option key={v.id} value={String(v.version)}>
                Version {v.version}
              </option>
            ))}
          </Select>
          <Select
            aria-label="Analytics days"
            value={choice.days}
            onChange={(e) => onChoice({ ...choice, days: Number(e.target.value) })}
            className="w-36"
          >
            <option value={1}>Today</option>
            <option value={7}>Last 7 days</option>
            <option value={30}>Last 30 days</option>
            <option value={90}>Last 90 days</option>
          </Select>
          <span className="text-xs text-muted" data-testid="analytics-summary">
            {!figures
              ? 'Loading…'
              : figures.versions.length === 0
                ? 'Publish the flow: its conversations are counted from then on.'
                : reached === 0
                  ? 'No conversation reached this flow in these days.'
                  : 'On each block: conversations that reached it, stopped there, median time spent. Thicker arrows carried more.'}
          </span>
        </>
      ) : null}
    </div>
  );
}
