// Settings → Team: invite by link, change roles, reset a password, remove a member.
import { useState } from 'react';
import { api } from '../../api.ts';
import { Badge, Button, Card, Field, Input, Select, Spinner } from '../../components/ui.tsx';
import { useMembers } from '../../members.ts';
import { useSession, useWs } from '../../session.tsx';
import { ResetPasswordButton } from '../reset-password.tsx';
import { useAct } from './use-act.ts';

export function Team() {
  const ws = useWs();
  const { can, profile } = useSession();
  const act = useAct();
  const members = useMembers();
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
