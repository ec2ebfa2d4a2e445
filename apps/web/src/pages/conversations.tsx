// The inbox: conversations with filters, a transcript (a failed message with its reason and a
// resend), take over / release, a manual reply, and erasing a contact with everything kept about
// them (admins).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import {
  Badge,
  Button,
  Card,
  cx,
  Empty,
  Input,
  Modal,
  Select,
  ShowMore,
  Spinner,
  useToast,
} from '../components/ui.tsx';
import { usePagedList } from '../paged-list.ts';
import { useSession, useWs } from '../session.tsx';
import { Page } from '../shell.tsx';
import { TranscriptMessage, type TranscriptEntry } from './transcript-message.tsx';

interface Conv {
  id: string;
  status: string;
  lastActivityAt: string;
  contact: { id: string; waId: string; name: string | null };
}
interface ConvDetail extends Conv {
  handoffReason: string | null;
  /** A pause for a reply from the phone ends then; null: taken over until released. */
  handoffUntil: string | null;
  variables: Record<string, unknown>;
  messages: TranscriptEntry[];
}

export function ConversationsPage() {
  const ws = useWs();
  const { can } = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const [reply, setReply] = useState('');
  const [erasing, setErasing] = useState(false);
  const qs = new URLSearchParams({ ...(status ? { status } : {}), ...(q ? { q } : {}) }).toString();
  const list = usePagedList<Conv>(
    [ws, 'conversations', qs],
    `${ws}/conversations${qs ? `?${qs}` : ''}`,
    { refetchInterval: 5000 },
  );
  const detail = useQuery({
    queryKey: [ws, 'conversation', openId],
    queryFn: () => api.get<ConvDetail>(`${ws}/conversations/${openId}`),
    enabled: !!openId,
    refetchInterval: 3000,
  });
  const act = (path: string, body?: unknown) =>
    api
      .post(`${ws}/conversations/${openId}/${path}`, body)
      .then(() => void qc.invalidateQueries({ queryKey: [ws] }))
      .catch((e: unknown) =>
        toast('bad', e instanceof ApiError ? e.message : 'That did not work.'),
      );
  const d = detail.data;
  return (
    <Page title="Conversations">
      <div className="mb-4 flex flex-wrap gap-2">
        <Input
          aria-label="Search contact"
          placeholder="Search name or phone"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="max-w-60"
        />
        <Select
          aria-label="Status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          className="max-w-44"
        >
          <option value="">Any status</option>
          {['active', 'waiting', 'handoff', 'completed', 'expired'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </div>
      <div className="grid gap-4 md:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card className="max-h-[70vh] overflow-y-auto">
          {list.isLoading ? (
            <Spinner />
          ) : !list.items.length ? (
            <div className="p-4">
              <Empty title="No conversations">They appear as contacts write to your numbers.</Empty>
            </div>
          ) : (
            <ul>
              {list.items.map((c) => (
                <li key={c.id}>
                  <button
                    onClick={() => setOpenId(c.id)}
                    className={cx(
                      'flex w-full items-center justify-between gap-2 border-b border-line px-3 py-2 text-left text-sm last:border-0 hover:bg-bg',
                      openId === c.id && 'bg-bg',
                    )}
                  >
                    <span>{c.contact.name ?? c.contact.waId.replace(/@.*/, '')}</span>
                    <Badge
                      tone={
                        c.status === 'handoff'
                          ? 'warn'
                          : c.status === 'completed'
                            ? 'good'
                            : 'neutral'
                      }
                    >
                      {c.status}
                    </Badge>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {list.items.length ? <ShowMore list={list} /> : null}
        </Card>
        <Card className="flex max-h-[70vh] flex-col p-3">
          {!openId ? (
            <p className="text-sm text-muted">Pick a conversation.</p>
          ) : !d ? (
            <Spinner />
          ) : (
            <>
              <div className="mb-2 flex items-center justify-between gap-2">
                <div className="font-medium">
                  {d.contact.name ?? d.contact.waId.replace(/@.*/, '')}
                </div>
                <div className="flex gap-1.5">
                  {can('editor') ? (
                    d.status === 'handoff' ? (
                      <Button size="sm" variant="secondary" onClick={() => void act('release')}>
                        Give back to the bot
                      </Button>
                    ) : (
                      <Button size="sm" variant="secondary" onClick={() => void act('handoff')}>
                        Take over
                      </Button>
                    )
                  ) : null}
                  {can('admin') ? (
                    <Button size="sm" variant="ghost" onClick={() => setErasing(true)}>
                      Erase contact
                    </Button>
                  ) : null}
                </div>
              </div>
              <Modal
                open={erasing}
                onOpenChange={setErasing}
                title={`Erase ${d.contact.name ?? d.contact.waId.replace(/@.*/, '')}?`}
              >
                <p className="mb-4 text-sm">
                  Everything kept about this contact is deleted for good: their conversations and
                  messages, what they answered (results), replies still queued, and the webhook
                  deliveries about them. Your webhook endpoints get contact.erased, to erase them in
                  your other systems too. The audit log records that you erased a contact, not who.
                  If they write again, they start as a new contact.
                </p>
                <div className="flex justify-end gap-2">
                  <Button variant="secondary" onClick={() => setErasing(false)}>
                    Cancel
                  </Button>
                  <Button
                    variant="danger"
                    onClick={() =>
                      void api.del(`${ws}/contacts/${d.contact.id}`).then(
                        () => {
                          setErasing(false);
                          setOpenId(null);
                          toast('good', 'The contact and everything kept about them were erased.');
                          void qc.invalidateQueries({ queryKey: [ws] });
                        },
                        (e: unknown) =>
                          toast(
                            'bad',
                            e instanceof ApiError ? e.message : 'Could not erase the contact.',
                          ),
                      )
                    }
                  >
                    Erase
                  </Button>
                </div>
              </Modal>
              {d.status === 'handoff' ? (
                <p
                  className="mb-2 rounded bg-amber-100 px-2 py-1 text-xs text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"
                  data-testid="handoff-banner"
                >
                  {d.handoffUntil
                    ? `A person replied from the phone: the bot stays quiet until ${new Date(d.handoffUntil).toLocaleTimeString()}.`
                    : 'A person has this conversation: the bot stays quiet.'}
                  {d.handoffReason ? (
                    <>
                      {' '}
                      The flow says: <strong>{d.handoffReason}</strong>
                    </>
                  ) : null}
                </p>
              ) : null}
              <div className="flex-1 space-y-1.5 overflow-y-auto">
                {d.messages.map((m) => (
                  <TranscriptMessage
                    key={m.id}
                    m={m}
                    {...(can('editor')
                      ? { onResend: (id: string) => act(`messages/${id}/resend`) }
                      : {})}
                  />
                ))}
              </div>
              {can('editor') && d.status !== 'completed' && d.status !== 'expired' ? (
                <form
                  className="mt-2 flex gap-2"
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (reply.trim())
                      void act('messages', { text: reply }).then(() => setReply(''));
                  }}
                >
                  <Input
                    aria-label="Reply"
                    value={reply}
                    onChange={(e) => setReply(e.target.value)}
                    placeholder="Reply as a person (takes the conversation over)"
                  />
                  <Button type="submit">Send</Button>
                </form>
              ) : null}
            </>
          )}
        </Card>
      </div>
    </Page>
  );
}
