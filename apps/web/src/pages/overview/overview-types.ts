// What GET /workspaces/:ws/analytics/overview answers (packages/db analytics/dashboard-figures.ts).
export interface DayFigures {
  day: string;
  messagesIn: number;
  messagesOut: number;
  started: number;
  completed: number;
  abandoned: number;
  completionRate: number | null;
  handoffs: number;
  medianReplyMs: number | null;
  failedSends: number;
}

export interface Overview {
  timezone: string;
  days: DayFigures[];
  totals: Omit<DayFigures, 'day'>;
  numbers: {
    id: string;
    label: string;
    status: string;
    connected: boolean;
    lastSeenAt: string | null;
  }[];
  failingWebhooks: { id: string; url: string; failingSince: string | null; failures: number }[];
}

/** A time in ms as an admin reads it: 850 ms, 4.2 s, 3 min, 2 h. */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} days`;
}
