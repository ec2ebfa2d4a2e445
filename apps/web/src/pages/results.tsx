// Results: one row per run with the variables it collected; filter by flow, status and the days
// it was updated; CSV of what the filters show.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.ts';
import { CsvButton } from '../components/csv-button.tsx';
import { Badge, Card, Empty, Input, ShowMore, Spinner } from '../components/ui.tsx';
import { usePagedList } from '../paged-list.ts';
import { useWs } from '../session.tsx';
import { Page } from '../shell.tsx';
import { FilterSelect } from '../components/filter-select.tsx';

interface ResultRow {
  id: string;
  flowName: string | null;
  status: 'partial' | 'completed';
  variables: Record<string, unknown>;
  updatedAt: string;
  contact: { waId: string; name: string | null } | null;
}

export function ResultsPage() {
  const ws = useWs();
  const [flowId, setFlowId] = useState('');
  const [status, setStatus] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // Days as the admin means them: from the start of the first to the end of the last, local time.
  const qs = new URLSearchParams({
    ...(flowId ? { flowId } : {}),
    ...(status ? { status } : {}),
    ...(from ? { from: new Date(`${from}T00:00:00`).toISOString() } : {}),
    ...(to ? { to: new Date(`${to}T23:59:59.999`).toISOString() } : {}),
  }).toString();
  const flows = useQuery({
    queryKey: [ws, 'flows'],
    queryFn: () => api.get<{ items: { id: string; name: string }[] }>(`${ws}/flows?limit=100`),
  });
  const results = usePagedList<ResultRow>(
    [ws, 'results', qs],
    `${ws}/results${qs ? `?${qs}` : ''}`,
  );
  const columns = [
    ...new Set(
      results.items.flatMap((r) => Object.keys(r.variables).filter((k) => k !== 'contact')),
    ),
  ].sort();
  return (
    <Page
      title="Results"
      actions={
        <div className="flex flex-wrap gap-2">
          <FilterSelect
            label="Flow"
            all="All flows"
            value={flowId}
            onChange={setFlowId}
            options={(flows.data?.items ?? []).map((f) => ({ value: f.id, label: f.name }))}
            className="w-44"
          />
          <FilterSelect
            label="Status"
            all="Any status"
            value={status}
            onChange={setStatus}
            options={[
              { value: 'completed', label: 'Completed' },
              { value: 'partial', label: 'Partial' },
            ]}
            className="w-36"
          />
          <label className="flex items-center gap-1.5 text-sm text-muted">
            From{' '}
            <Input
              aria-label="Updated from"
              type="date"
              value={from}
              max={to || undefined}
              onChange={(e) => setFrom(e.target.value)}
              className="w-40"
            />
          </label>
          <label className="flex items-center gap-1.5 text-sm text-muted">
            until{' '}
            <Input
              aria-label="Updated until"
              type="date"
              value={to}
              min={from || undefined}
              onChange={(e) => setTo(e.target.value)}
              className="w-40"
            />
          </label>
          <CsvButton path={`${ws}/results.csv?${qs}`} name="results" />
        </div>
      }
    >
      {results.isLoading ? (
        <Spinner />
      ) : !results.items.length ? (
        qs ? (
          <Empty title="No results match these filters">
            Change the flow, status or days above.
          </Empty>
        ) : (
          <Empty title="No results yet">
            When contacts go through a published flow, what they answer shows up here.
          </Empty>
        )
      ) : (
        <Card className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="results">
            <thead className="border-b border-line text-left text-xs text-muted uppercase">
              <tr>
                <th className="px-3 py-2">Contact</th>
                <th className="px-3 py-2">Flow</th>
                <th className="px-3 py-2">Status</th>
                {columns.map((c) => (
                  <th key={c} className="px-3 py-2">
                    {c}
                  </th>
                ))}
                <th className="px-3 py-2">Updated</th>
              </tr>
            </thead>
            <tbody>
              {results.items.map((r) => (
                <tr key={r.id} className="border-b border-line last:border-0">
                  <td className="px-3 py-2">
                    {r.contact?.name ?? r.contact?.waId.replace(/@.*/, '') ?? '—'}
                  </td>
                  <td className="px-3 py-2">{r.flowName ?? '—'}</td>
                  <td className="px-3 py-2">
                    <Badge tone={r.status === 'completed' ? 'good' : 'neutral'}>{r.status}</Badge>
                  </td>
                  {columns.map((c) => (
                    <td key={c} className="px-3 py-2">
                      {r.variables[c] === undefined
                        ? ''
                        : typeof r.variables[c] === 'string'
                          ? (r.variables[c] as string)
                          : JSON.stringify(r.variables[c])}
                    </td>
                  ))}
                  <td className="px-3 py-2 text-muted">{new Date(r.updatedAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ShowMore list={results} />
        </Card>
      )}
    </Page>
  );
}
