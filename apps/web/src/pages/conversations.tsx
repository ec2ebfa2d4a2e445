// The team inbox: the views (Mine, Unassigned, Handed off, Bot, All) with search and status, the
// list and the open conversation side by side — on a phone the list, then the conversation with a
// back button. Everything on screen follows the workspace's live events (inbox/live-inbox.tsx).
import { useState } from 'react';
import { Card, cx, Input } from '../components/ui.tsx';
import { ConversationList } from '../inbox/conversation-list.tsx';
import { ConversationPanel } from '../inbox/conversation-panel.tsx';
import { useLiveInbox } from '../inbox/live-inbox.tsx';
import type { Conv, View } from '../inbox/types.ts';
import { useMembers } from '../members.ts';
import { usePagedList } from '../paged-list.ts';
import { useSession, useWs } from '../session.tsx';
import { Page } from '../shell.tsx';
import { FilterSelect, plainOptions } from '../components/filter-select.tsx';

const VIEWS: { view: View; label: string }[] = [
  { view: 'mine', label: 'Mine' },
  { view: 'unassigned', label: 'Unassigned' },
  { view: 'handoff', label: 'Handed off' },
  { view: 'bot', label: 'Bot' },
  { view: 'all', label: 'All' },
];

export function ConversationsPage() {
  const ws = useWs();
  const { profile } = useSession();
  const live = useLiveInbox();
  const [view, setView] = useState<View>('all');
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const qs = new URLSearchParams({
    ...(view !== 'all' ? { view } : {}),
    ...(status ? { status } : {}),
    ...(q ? { q } : {}),
  }).toString();
  // No polling: the live stream keeps this list current.
  const list = usePagedList<Conv>(
    [ws, 'conversations', qs],
    `${ws}/conversations${qs ? `?${qs}` : ''}`,
  );
  const members = useMembers();
  const nameOf = (userId: string) =>
    userId === profile?.user.id
      ? 'you'
      : (members.data?.items.find((m) => m.userId === userId)?.name ?? 'a colleague');
  return (
    <Page
      title="Conversations"
      actions={
        <div className="flex items-center gap-3 text-xs text-muted">
          <span data-testid="live-status" data-live={live.connected ? 'on' : 'off'}>
            {live.connected ? '● Live' : '○ Reconnecting…'}
          </span>
          <label className="flex items-center gap-1.5">
            <input
              type="checkbox"
              checked={live.sound}
              onChange={(e) => live.setSound(e.target.checked)}
            />
            Sound for new handed-off conversations
          </label>
        </div>
      }
    >
      <div className={cx('mb-3 flex flex-wrap gap-2', openId && 'max-md:hidden')}>
        <div className="flex gap-1 overflow-x-auto" role="tablist" aria-label="View">
          {VIEWS.map((v) => (
            <button
              key={v.view}
              role="tab"
              aria-selected={view === v.view}
              onClick={() => setView(v.view)}
              className={cx(
                'rounded-md px-2.5 py-1 text-sm whitespace-nowrap',
                view === v.view ? 'bg-line font-medium' : 'text-muted hover:text-fg',
              )}
            >
              {v.label}
              {v.view === 'unassigned' && live.unread?.unassigned
                ? ` (${live.unread.unassigned})`
                : ''}
            </button>
          ))}
        </div>
        <Input
          aria-label="Search contact"
          placeholder="Search name or phone"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="max-w-60"
        />
        <FilterSelect
          label="Status"
          all="Any status"
          value={status}
          onChange={setStatus}
          options={plainOptions(['active', 'waiting', 'handoff', 'completed', 'expired'])}
          className="max-w-44"
        />
      </div>
      <div className="grid gap-4 md:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card className={cx('max-h-[70vh] overflow-y-auto', openId && 'max-md:hidden')}>
          <ConversationList list={list} openId={openId} onOpen={setOpenId} nameOf={nameOf} />
        </Card>
        <Card
          className={cx(
            'flex max-h-[70vh] flex-col p-3 max-md:max-h-[calc(100dvh-7rem)]',
            !openId && 'max-md:hidden',
          )}
        >
          {!openId ? (
            <p className="text-sm text-muted">Pick a conversation.</p>
          ) : (
            <ConversationPanel
              key={openId}
              ws={ws}
              id={openId}
              members={members.data?.items ?? []}
              onMembersNeeded={() => void members.refetch()}
              onBack={() => setOpenId(null)}
              onOpen={setOpenId}
            />
          )}
        </Card>
      </div>
    </Page>
  );
}
