// Settings → API keys: create (the key shown once), list, revoke.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { Button, Card, Empty, Field, Input } from '../../components/ui.tsx';
import { useWs } from '../../session.tsx';
import { useAct } from './use-act.ts';

export function Keys() {
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
