// Settings: the team (invite by link, change roles, reset a password, remove), your account,
// API keys, webhook endpoints with their delivery log, and the audit log. Viewers see no edit
// controls.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import {
  Badge,
  Button,
  Card,
  cx,
  Empty,
  Field,
  Input,
  Select,
  Spinner,
  useToast,
} from '../components/ui.tsx';
import { useSession, useWs } from '../session.tsx';
import { Page } from '../shell.tsx';
import { AccountSettings } from './account.tsx';
import { ResetPasswordButton } from './reset-password.tsx';

type Tab = 'workspace' | 'team' | 'account' | 'keys' | 'webhooks' | 'audit';

export function SettingsPage() {
  const { can } = useSession();
  const [tab, setTab] = useState<Tab>('workspace');
  const tabs: [Tab, string][] = [
    ['workspace', 'Workspace'],
    ['team', 'Team'],
    ['account', 'Account'],
    ...(can('admin')
      ? ([
          ['keys', 'API keys'],
          ['webhooks', 'Webhooks'],
          ['audit', 'Audit log'],
        ] as [Tab, string][])
      : []),
  ];
  return (
    <Page title="Settings">
      <div className="mb-4 flex gap-1 border-b border-line" role="tablist">
        {tabs.map(([t, l]) => (
          <button
            key={t}
            role="tab"
            aria-selected={tab === t}
            onClick={() => setTab(t)}
            className={cx(
              'px-3 py-2 text-sm',
              tab === t ? 'border-b-2 border-brand font-medium' : 'text-muted',
            )}
          >
            {l}
          </button>
        ))}
      </div>
      {tab === 'workspace' ? (
        <WorkspaceSettings />
      ) : tab === 'team' ? (
        <Team />
      ) : tab === 'account' ? (
        <AccountSettings />
      ) : tab === 'keys' ? (
        <Keys />
      ) : tab === 'webhooks' ? (
        <Webhooks />
      ) : (
        <Audit />
      )}
    </Page>
  );
}

function useAct() {
  const toast = useToast();
  const qc = useQueryClient();
  const ws = useWs();
  return async <T,>(fn: () => Promise<T>, ok?: string): Promise<T | undefined> => {
    try {
      const r = await fn();
      if (ok) toast('good', ok);
      void qc.invalidateQueries({ queryKey: [ws] });
      return r;
    } catch (e) {
      toast('bad', e instanceof ApiError ? e.message : 'That did not work.');
      return undefined;
    }
  };
}

function WorkspaceSettings() {
  const ws = useWs();
  const { can } = useSession();
  const act = useAct();
  const current = useQuery({
    queryKey: [ws, 'workspace'],
    queryFn: () => api.get<{ name: string; settings: WorkspaceSettingsValues }>(ws),
  });
  if (!current.data) return <Spinner />;
  return (
    <WorkspaceForm
      key={ws}
      initial={current.data}
      editable={can('admin')}
      onSave={(body) => void act(() => api.patch(ws, body), 'Workspace settings saved.')}
    />
  );
}

interface WorkspaceSettingsValues {
  humanReplyPauseMinutes?: number;
  /** Days kept after a conversation's last activity; null or absent: kept until deleted. */
  retentionDays?: number | null;
}

function WorkspaceForm({
  initial,
  editable,
  onSave,
}: {
  initial: { name: string; settings: WorkspaceSettingsValues };
  editable: boolean;
  onSave: (b: unknown) => void;
}) {
  const [name, setName] = useState(initial.name);
  const [pause, setPause] = useState(String(initial.settings.humanReplyPauseMinutes ?? 60));
  const [retention, setRetention] = useState(
    initial.settings.retentionDays ? String(initial.settings.retentionDays) : '',
  );
  return (
    <Card className="max-w-xl p-4">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          onSave({
            name,
            settings: {
              humanReplyPauseMinutes: Number(pause),
              retentionDays: retention.trim() === '' ? null : Number(retention),
            },
          });
        }}
      >
        <fieldset disabled={!editable} className="space-y-4">
          <Field label="Workspace name" htmlFor="wsname">
            <Input id="wsname" value={name} onChange={(e) => setName(e.target.value)} required />
          </Field>
          <Field
            label="Pause the bot after a person replies from the phone (minutes)"
            htmlFor="pause"
            help="So the bot never talks over a colleague who answered from WhatsApp itself."
          >
            <Input
              id="pause"
              type="number"
              min={0}
              max={10080}
              value={pause}
              onChange={(e) => setPause(e.target.value)}
            />
          </Field>
          <Field
            label="Delete conversations after (days)"
            htmlFor="retention"
            help="Conversations, their messages and results are deleted this many days after their last message, with contacts who have nothing left. Empty: kept until you delete them."
          >
            <Input
              id="retention"
              type="number"
              min={1}
              max={3650}
              placeholder="keep"
              value={retention}
              onChange={(e) => setRetention(e.target.value)}
            />
          </Field>
          {editable ? <Button type="submit">Save</Button> : null}
        </fieldset>
      </form>
    </Card>
  );
}

function Team() {
  const ws = useWs();
  const { can, profile } = useSession();
  const act = useAct();
  const members = useQuery({
    queryKey: [ws, 'members'],
    queryFn: () =>
      api.get<{ items: { userId: string; name: string; email: string; role: string }[] }>(
        `${ws}/members`,
      ),
  });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('editor');
  const [link, setLink] = useState<string | null>(null);
  return (
    <div className="space-y-4">
      {can('admin') ? (
        <Card className="p-4">
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              void act(() =>
                api.post<{ inviteUrl: string }>(`${ws}/invites`, { email, role }),
              ).then((r) => r && setLink(r.inviteUrl));
            }}
          >
            <div className="min-w-56 flex-1">
              <Field label="Invite by email" htmlFor="inv">
                <Input
                  id="inv"
                  type="email"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                  required
                />
              </Field>
            </div>
            <Select
              aria-label="Role"
              value={role}
              onChange={(e) => setRole(e.target.value)}
              className="w-32"
            >
              {['viewer', 'editor', 'admin', 'owner'].map((r) => (
                <option key={r}>{r}</option>
              ))}
            </Select>
            <Button type="submit">Create invite link</Button>
          </form>
          {link ? (
            <p className="mt-3 text-sm">
              Send this link (valid 7 days, shown once):{' '}
              <code className="break-all select-all" data-testid="invite-link">
                {link}
              </code>
            </p>
          ) : null}
        </Card>
      ) : null}
      <Card>
        {members.isLoading ? (
          <Spinner />
        ) : (
          <ul>
            {members.data?.items.map((m) => (
              <li
                key={m.userId}
                className="flex flex-wrap items-center justify-between gap-2 border-b border-line px-4 py-2 last:border-0"
              >
                <div>
                  <div className="text-sm font-medium">
                    {m.name}
                    {m.userId === profile?.user.id ? ' (you)' : ''}
                  </div>
                  <div className="text-xs text-muted">{m.email}</div>
                </div>
                {can('admin') && m.userId !== profile?.user.id ? (
                  <div className="flex gap-2">
                    <Select
                      aria-label={`Role of ${m.name}`}
                      value={m.role}
                      onChange={(e) =>
                        void act(
                          () => api.patch(`${ws}/members/${m.userId}`, { role: e.target.value }),
                          'Role changed.',
                        )
                      }
                      className="w-28"
                    >
                      {['viewer', 'editor', 'admin', 'owner'].map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </Select>
                    <ResetPasswordButton member={m} />
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() =>
                        void act(
                          () => api.del(`${ws}/members/${m.userId}`),
                          `${m.name} was removed.`,
                        )
                      }
                    >
                      Remove
                    </Button>
                  </div>
                ) : (
                  <Badge>{m.role}</Badge>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function Keys() {
  const ws = useWs();
  const act = useAct();
  const keys = useQuery({
    queryKey: [ws, 'keys'],
    queryFn: () =>
      api.get<{ items: { id: string; name: string; prefix: string; lastUsedAt: string | null }[] }>(
        `${ws}/api-keys`,
      ),
  });
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  return (
    <div className="space-y-4">
      <Card className="p-4">
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => api.post<{ key: string }>(`${ws}/api-keys`, { name })).then(
              (r) => r && setCreated(r.key),
            );
          }}
        >
          <div className="flex-1">
            <Field label="New key for" htmlFor="kn" help="What will use it, e.g. CRM sync.">
              <Input id="kn" value={name} onChange={(e) => setName(e.target.value)} required />
            </Field>
          </div>
          <Button type="submit">Create key</Button>
        </form>
        {created ? (
          <p className="mt-3 text-sm">
            Copy it now, it is not shown again:{' '}
            <code className="break-all select-all">{created}</code>
          </p>
        ) : null}
      </Card>
      {keys.data?.items.length ? (
        <Card>
          <ul>
            {keys.data.items.map((k) => (
              <li
                key={k.id}
                className="flex items-center justify-between border-b border-line px-4 py-2 text-sm last:border-0"
              >
                <span>
                  {k.name} <code className="text-muted">{k.prefix}</code>{' '}
                  <span className="text-xs text-muted">
                    {k.lastUsedAt
                      ? `used ${new Date(k.lastUsedAt).toLocaleString()}`
                      : 'never used'}
                  </span>
                </span>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => void act(() => api.del(`${ws}/api-keys/${k.id}`), 'Key revoked.')}
                >
                  Revoke
                </Button>
              </li>
            ))}
          </ul>
        </Card>
      ) : (
        <Empty title="No API keys">
          Integrators use a key to start flows, send messages and read results.
        </Empty>
      )}
    </div>
  );
}

function Webhooks() {
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

function Audit() {
  const ws = useWs();
  const audit = useQuery({
    queryKey: [ws, 'audit'],
    queryFn: () =>
      api.get<{
        items: {
          id: string;
          at: string;
          action: string;
          entityType: string;
          entityId: string | null;
          actor: { name: string } | null;
        }[];
      }>(`${ws}/audit?limit=100`),
  });
  return audit.isLoading ? (
    <Spinner />
  ) : (
    <Card>
      <table className="w-full text-sm">
        <tbody>
          {audit.data?.items.map((a) => (
            <tr key={a.id} className="border-b border-line last:border-0">
              <td className="px-3 py-2 text-muted">{new Date(a.at).toLocaleString()}</td>
              <td className="px-3 py-2">{a.actor?.name ?? 'API key'}</td>
              <td className="px-3 py-2 font-mono text-xs">{a.action}</td>
              <td className="px-3 py-2 text-xs text-muted">
                {a.entityType} {a.entityId?.slice(0, 8)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
