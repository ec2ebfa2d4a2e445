// The Overview, the landing page after sign-in: how the workspace's bots did per day (in the
// workspace's time zone) for a range of days and a flow or number — the totals at a glance,
// charts per day, the numbers' health and the webhooks failing — with empty states saying what
// to do first.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { CsvButton } from '../../components/csv-button.tsx';
import { Badge, Card, Empty, Select, Spinner } from '../../components/ui.tsx';
import { Link } from '../../router.tsx';
import { useWs } from '../../session.tsx';
import { Page } from '../../shell.tsx';
import { OverviewCharts } from './overview-charts.tsx';
import { duration, type Overview } from './overview-types.ts';
import { FilterSelect } from '../../components/filter-select.tsx';

const RANGES = [
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
];

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <Card className="p-4">
      <p className="text-xs text-muted uppercase">{label}</p>
      <p className="mt-1 text-2xl font-semibold" data-testid={`stat-${label}`}>
        {value}
      </p>
      {hint ? <p className="mt-1 text-xs text-muted">{hint}</p> : null}
    </Card>
  );
}

export function OverviewPage() {
  const ws = useWs();
  const [days, setDays] = useState(7);
  const [flowId, setFlowId] = useState('');
  const [numberId, setNumberId] = useState('');
  // Whole days up to the end of today (the API counts per hour; the server's time zone decides days).
  const to = new Date();
  to.setHours(24, 0, 0, 0);
  const from = new Date(to.getTime() - days * 86_400_000);
  const qs = new URLSearchParams({
    from: from.toISOString(),
    to: to.toISOString(),
    ...(flowId ? { flowId } : {}),
    ...(numberId ? { numberId } : {}),
  }).toString();
  const overview = useQuery({
    queryKey: [ws, 'analytics', 'overview', qs],
    queryFn: () => api.get<Overview>(`${ws}/analytics/overview?${qs}`),
  });
  const flows = useQuery({
    queryKey: [ws, 'flows'],
    queryFn: () =>
      api.get<{ items: { id: string; name: string; publishedVersionId: string | null }[] }>(
        `${ws}/flows?limit=100`,
      ),
  });
  const numbers = useQuery({
    queryKey: [ws, 'numbers'],
    queryFn: () => api.get<{ items: { id: string; label: string }[] }>(`${ws}/numbers`),
  });
  const data = overview.data;
  const t = data?.totals;
  const quiet = t !== undefined && t.messagesIn + t.messagesOut + t.started === 0;
  return (
    <Page
      title="Overview"
      actions={
        <div className="flex flex-wrap gap-2">
          <Select
            aria-label="Days"
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
            className="w-40"
          >
            {RANGES.map((r) => (
              <option key={r.days} value={r.days}>
                {r.label}
              </option>
            ))}
          </Select>
          <FilterSelect
            label="Flow"
            all="All flows"
            value={flowId}
            onChange={setFlowId}
            options={(flows.data?.items ?? []).map((f) => ({ value: f.id, label: f.name }))}
            className="w-44"
          />
          <FilterSelect
            label="Number"
            all="All numbers"
            value={numberId}
            onChange={setNumberId}
            options={(numbers.data?.items ?? []).map((n) => ({ value: n.id, label: n.label }))}
            className="w-44"
          />
          <CsvButton path={`${ws}/analytics/overview.csv?${qs}`} name="overview" />
        </div>
      }
    >
      {overview.isLoading || !data || !t ? (
        <Spinner />
      ) : (
        <div className="space-y-6">
          {quiet ? <QuietState overview={data} flows={flows.data?.items ?? []} /> : null}
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
            <Stat label="Messages received" value={String(t.messagesIn)} />
            <Stat label="Messages sent" value={String(t.messagesOut)} />
            <Stat label="Conversations" value={String(t.started)} hint="started" />
            <Stat
              label="Completion rate"
              value={t.completionRate === null ? '—' : `${t.completionRate}%`}
              hint={`${t.completed} completed`}
            />
            <Stat label="Handoffs" value={String(t.handoffs)} hint="passed to a person" />
            <Stat label="Median reply time" value={duration(t.medianReplyMs)} />
            <Stat label="Failed sends" value={String(t.failedSends)} />
            <Stat label="Abandoned" value={String(t.abandoned)} hint="timed out or stopped" />
          </div>
          {quiet ? null : <OverviewCharts days={data.days} />}
          <div className="grid gap-4 lg:grid-cols-2">
            <NumbersHealth overview={data} />
            <FailingWebhooks overview={data} />
          </div>
          <p className="text-xs text-muted">Days are counted in the time zone {data.timezone}.</p>
        </div>
      )}
    </Page>
  );
}

function QuietState({
  overview,
  flows,
}: {
  overview: Overview;
  flows: { publishedVersionId: string | null }[];
}) {
  if (overview.numbers.length === 0)
    return (
      <Empty title="Nothing to show yet: link a WhatsApp number">
        Go to <Link to="/numbers">Numbers</Link>, add a number and scan its QR code with the phone.
      </Empty>
    );
  if (!flows.some((f) => f.publishedVersionId))
    return (
      <Empty title="No flow is published yet">
        Open <Link to="/flows">Flows</Link>, draw a flow and publish it: its conversations show
        here.
      </Empty>
    );
  return (
    <Empty title="No conversations in these days">
      Choose a longer range above, or send a message to your number to try the flow.
    </Empty>
  );
}

function NumbersHealth({ overview }: { overview: Overview }) {
  return (
    <Card className="p-4">
      <h2 className="mb-3 text-sm font-medium">Numbers</h2>
      {overview.numbers.length === 0 ? (
        <p className="text-sm text-muted">No number is linked yet.</p>
      ) : (
        <ul className="divide-y divide-line text-sm" aria-label="Numbers' health">
          {overview.numbers.map((n) => (
            <li key={n.id} className="flex items-center justify-between gap-2 py-2">
              <span>{n.label}</span>
              <span className="flex items-center gap-2 text-xs text-muted">
                {n.lastSeenAt ? `seen ${new Date(n.lastSeenAt).toLocaleString()}` : 'never seen'}
                <Badge tone={n.connected ? 'good' : 'bad'}>
                  {n.connected ? 'connected' : n.status.replace('_', ' ')}
                </Badge>
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function FailingWebhooks({ overview }: { overview: Overview }) {
  return (
    <Card className="p-4">
      <h2 className="mb-3 text-sm font-medium">Webhooks</h2>
      {overview.failingWebhooks.length === 0 ? (
        <p className="text-sm text-muted">No webhook is failing.</p>
      ) : (
        <ul className="divide-y divide-line text-sm" aria-label="Failing webhooks">
          {overview.failingWebhooks.map((w) => (
            <li key={w.id} className="flex items-center justify-between gap-2 py-2">
              <span className="truncate">{w.url}</span>
              <Badge tone="bad">
                {w.failures} failed
                {w.failingSince ? ` since ${new Date(w.failingSince).toLocaleDateString()}` : ''}
              </Badge>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
