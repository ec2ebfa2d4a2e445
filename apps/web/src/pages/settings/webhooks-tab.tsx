// Settings → Webhooks: endpoints (URL, events, secret shown once), their delivery log, replay.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { Badge, Button, Card, Empty, Field, Input } from '../../components/ui.tsx';
import { useWs } from '../../session.tsx';
import { useAct } from './use-act.ts';

export function Webhooks() {
  const ws = useWs();
  const act = useAct();
  const hooks = useQuery({
    queryKey: [ws, 'webhooks'],
    queryFn: () =>
      api.get<{
        items: {
          id: string;
          url: string;
          events: string[];
          enabled: boolean;
          disabledReason: string | null;
          consecutiveFailures: number;
        }[];
      }>(`${ws}/webhooks`),
  });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('*');
  const [secret, setSecret] = useState<string | null>(null);
  const [log, setLog] = useState<string | null>(null);
  const deliveries = useQuery({
    queryKey: [ws, 'deliveries', log],
    queryFn: () =>
      api.get<{
        items: {
          id: string;
          eventType: string;
          status: string;
          lastResponseCode: number | null;
          attempts: number;
          createdAt: string;
        }[];
      }>(`${ws}/webhooks/${log}/deliveries?limit=50`),
    enabled: !!log,
  });
  return (
    <div className="space-y-4">
      <Card className="p-4">
        <form
          className="grid gap-2 sm:grid-cols-[2fr_1fr_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() =>
              api.post<{ secret: string }>(`${ws}/webhooks`, {
                url,
                events: events
                  .split(',')
                  .map((x) => x.trim())
                  .filter(Boolean),
              }),
            ).then((r) => r && setSecret(r.secret));
          }}
        >
          <Field label="Endpoint URL" htmlFor="wu">
            <Input
              id="wu"
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://example.com/hooks/waflow"
              required
            />
          </Field>
          <Field label="Events" htmlFor="we" help="* for all, or e.g. conversation.completed">
            <Input id="we" value={events} onChange={(e) => setEvents(e.target.value)} />
          </Field>
          <Button type="submit">Add endpoint</Button>
        </form>
        {secret ? (
          <p className="mt-3 text-sm">
            Signing secret (shown once): <code className="break-all select-all">{secret}</code>
          </p>
        ) : null}
      </Card>
      {!hooks.data?.items.length ? (
        <Empty title="No webhook endpoints">
          Add one to receive signed events (Standard Webhooks).
        </Empty>
      ) : (
        hooks.data.items.map((h) => (
          <Card key={h.id} className="p-4">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <div className="min-w-0">
                <div className="truncate text-sm font-medium">{h.url}</div>
                <div className="text-xs text-muted">{h.events.join(', ')}</div>
              </div>
              <div className="flex flex-wrap gap-2">
                {h.enabled ? (
                  <Badge tone={h.consecutiveFailures ? 'warn' : 'good'}>
                    {h.consecutiveFailures ? `${h.consecutiveFailures} failures` : 'healthy'}
                  </Badge>
                ) : (
                  <Badge tone="bad">disabled</Badge>
                )}
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() =>
                    void act(() => api.post(`${ws}/webhooks/${h.id}/test`), 'Test event queued.')
                  }
                >
                  Send test
                </Button>
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() =>
                    void act(() =>
                      api.post<{ secret: string }>(`${ws}/webhooks/${h.id}/rotate-secret`),
                    ).then((r) => r && setSecret(r.secret))
                  }
                >
                  Rotate secret
                </Button>
                {!h.enabled ? (
                  <Button
                    size="sm"
                    onClick={() =>
                      void act(
                        () => api.patch(`${ws}/webhooks/${h.id}`, { enabled: true }),
                        'Enabled again.',
                      )
                    }
                  >
                    Enable
                  </Button>
                ) : null}
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => setLog(log === h.id ? null : h.id)}
                >
                  Deliveries
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() =>
                    void act(() => api.del(`${ws}/webhooks/${h.id}`), 'Endpoint removed.')
                  }
                >
                  Remove
                </Button>
              </div>
            </div>
            {h.disabledReason ? (
              <p className="mt-2 text-xs text-danger">{h.disabledReason}</p>
            ) : null}
            {log === h.id ? (
              <table className="mt-3 w-full text-xs">
                <tbody>
                  {deliveries.data?.items.map((d) => (
                    <tr key={d.id} className="border-t border-line">
                      <td className="py-1">{d.eventType}</td>
                      <td>{d.status}</td>
                      <td>{d.lastResponseCode ?? '—'}</td>
                      <td>{d.attempts} attempt(s)</td>
                      <td className="text-muted">{new Date(d.createdAt).toLocaleString()}</td>
                      <td>
                        {d.status === 'failed' || d.status === 'delivered' ? (
                          <Button
                            size="sm"
                            variant="ghost"
                            onClick={() =>
                              void act(
                                () => api.post(`${ws}/webhooks/deliveries/${d.id}/replay`),
                                'Replay queued.',
                              )
                            }
                          >
                            Replay
                          </Button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </Card>
        ))
      )}
    </div>
  );
}
