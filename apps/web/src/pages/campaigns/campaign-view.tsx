// One campaign, live: a progress bar and counts by status, sends per minute (a chart), the
// failures with their reasons, pause/resume/cancel, and the recipients (paged, filtered, CSV).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api, ApiError, download } from '../../api.ts';
import { Badge, Button, Card, Input, ShowMore, Spinner, useToast } from '../../components/ui.tsx';
import { usePagedList } from '../../paged-list.ts';
import { useWs } from '../../session.tsx';
import { Page } from '../../shell.tsx';
import { StatusBadge } from './campaigns-page.tsx';
import {
  progressOf,
  RECIPIENT_STATUSES,
  type CampaignDetail,
  type Recipient,
} from './campaign-types.ts';
import { FilterSelect, plainOptions } from '../../components/filter-select.tsx';

const ACTIONS: Record<CampaignDetail['status'], ('pause' | 'resume' | 'cancel' | 'start')[]> = {
  draft: ['start', 'cancel'],
  scheduled: ['start', 'pause', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
};

export function CampaignView({ id }: { id: string }) {
  const ws = useWs();
  const toast = useToast();
  const qc = useQueryClient();
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const c = useQuery({
    queryKey: [ws, 'campaign', id],
    queryFn: () => api.get<CampaignDetail>(`${ws}/campaigns/${id}`),
    refetchInterval: (query) =>
      query.state.data && ['completed', 'cancelled'].includes(query.state.data.status)
        ? false
        : 1000,
  });
  const qs = new URLSearchParams({ ...(status ? { status } : {}), ...(q ? { q } : {}) }).toString();
  const live = c.data && !['completed', 'cancelled'].includes(c.data.status);
  // Keyed on the status and the counts, so the list reloads whenever they move: a campaign
  // can go from scheduled to completed between two polls of the list.
  const progressKey = c.data ? `${c.data.status}:${JSON.stringify(c.data.counts)}` : '';
  const recipients = usePagedList<Recipient>(
    [ws, 'campaign', id, 'recipients', qs, progressKey],
    `${ws}/campaigns/${id}/recipients${qs ? `?${qs}` : ''}`,
    live ? { refetchInterval: 2000 } : {},
  );
  if (!c.data) return <Spinner />;
  const d = c.data;
  const pct = progressOf(d);
  const act = async (action: string) => {
    try {
      await api.post(`${ws}/campaigns/${id}/${action}`);
      await qc.invalidateQueries({ queryKey: [ws, 'campaign', id] });
    } catch (e) {
      toast('bad', e instanceof ApiError ? e.message : 'That did not work: try again.');
    }
  };
  return (
    <Page
      title={d.name}
      actions={
        <div className="flex items-center gap-2">
          <StatusBadge status={d.status} />
          {ACTIONS[d.status].map((a) => (
            <Button
              key={a}
              variant={a === 'cancel' ? 'secondary' : 'primary'}
              size="sm"
              onClick={() => void act(a)}
            >
              {a[0]?.toUpperCase()}
              {a.slice(1)}
            </Button>
          ))}
        </div>
      }
    >
      <div className="space-y-4">
        <Card className="space-y-3 p-4">
          <p className="text-sm text-muted">
            {d.audienceText} · {d.total} recipients
            {d.scheduledAt && d.status === 'scheduled'
              ? ` · starts ${new Date(d.scheduledAt).toLocaleString()} (${d.timeZone})`
              : ''}
          </p>
          <div
            role="progressbar"
            aria-label="Progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            className="h-3 w-full overflow-hidden rounded-full bg-line"
          >
            <div className="h-full bg-brand transition-all" style={{ width: `${pct}%` }} />
          </div>
          <p className="text-sm font-medium" data-testid="progress">
            {pct}% done
          </p>
          <dl className="grid grid-cols-4 gap-2 sm:grid-cols-7" data-testid="counts">
            {RECIPIENT_STATUSES.map((s) => (
              <div key={s} className="rounded-md border border-line p-2">
                <dt className="text-xs text-muted">{s}</dt>
                <dd className="text-lg font-semibold" data-status={s}>
                  {d.counts[s]}
                </dd>
              </div>
            ))}
          </dl>
          {d.pausedReason ? (
            <p role="alert" className="text-sm text-danger">
              {d.pausedReason}
            </p>
          ) : null}
          {d.warnings.map((w) => (
            <p key={w} className="text-sm text-danger">
              {w}
            </p>
          ))}
        </Card>
        <Card className="p-4">
          <h2 className="mb-2 font-medium">Sends per minute</h2>
          <div className="h-56" data-testid="chart">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart
                data={d.series.map((p) => ({
                  ...p,
                  at: new Date(p.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
                }))}
              >
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="at" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar dataKey="sent" stackId="a" fill="#16a34a" isAnimationActive={false} />
                <Bar dataKey="failed" stackId="a" fill="#dc2626" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Card>
        {d.failures.length ? (
          <Card className="p-4">
            <h2 className="mb-2 font-medium">Failures</h2>
            <ul className="text-sm">
              {d.failures.map((f) => (
                <li key={f.reason}>
                  {f.count} × {f.reason}
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
        <Card className="overflow-x-auto">
          <div className="flex flex-wrap items-center gap-2 border-b border-line p-3">
            <h2 className="mr-auto font-medium">Recipients</h2>
            <Input
              aria-label="Search recipients"
              placeholder="Phone or name"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              className="w-44"
            />
            <FilterSelect
              label="Recipient status"
              all="Any status"
              value={status}
              onChange={setStatus}
              options={plainOptions(RECIPIENT_STATUSES)}
              className="w-36"
            />
            <Button
              variant="secondary"
              size="sm"
              onClick={() =>
                void download(
                  `${ws}/campaigns/${id}/recipients.csv${qs ? `?${qs}` : ''}`,
                  `campaign-${d.name}.csv`,
                ).catch((e: unknown) =>
                  toast('bad', e instanceof Error ? e.message : 'Download failed.'),
                )
              }
            >
              Download CSV
            </Button>
          </div>
          <table className="w-full text-sm" data-testid="recipients">
            <thead className="border-b border-line text-left text-xs text-muted uppercase">
              <tr>
                <th className="px-3 py-2">Contact</th>
                <th className="px-3 py-2">Status</th>
                <th className="px-3 py-2">Reason</th>
                <th className="px-3 py-2">Sent</th>
              </tr>
            </thead>
            <tbody>
              {recipients.items.map((r) => (
                <tr key={r.id} className="border-b border-line last:border-0">
                  <td className="px-3 py-2">{r.name ?? r.contact.replace(/@.*/, '')}</td>
                  <td className="px-3 py-2">
                    <Badge
                      tone={
                        r.status === 'failed'
                          ? 'bad'
                          : r.status === 'queued' || r.status === 'skipped'
                            ? 'neutral'
                            : 'good'
                      }
                    >
                      {r.status}
                    </Badge>
                  </td>
                  <td className="px-3 py-2 text-muted">{r.reason ?? ''}</td>
                  <td className="px-3 py-2 text-muted">
                    {r.sentAt ? new Date(r.sentAt).toLocaleString() : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ShowMore list={recipients} />
        </Card>
      </div>
    </Page>
  );
}
