// The inbox's list: one row per conversation, most recent first, with who has it and how many of
// the contact's messages you have not read. Kept current by the live stream (live-inbox.tsx).
import { Badge, cx, Empty, ShowMore, Spinner } from '../components/ui.tsx';
import type { usePagedList } from '../paged-list.ts';
import { contactLabel, type Conv } from './types.ts';

export function ConversationList({
  list,
  openId,
  onOpen,
  nameOf,
}: {
  list: ReturnType<typeof usePagedList<Conv>>;
  openId: string | null;
  onOpen: (id: string) => void;
  nameOf: (userId: string) => string;
}) {
  if (list.isLoading) return <Spinner />;
  if (!list.items.length)
    return (
      <div className="p-4">
        <Empty title="No conversations">They appear as contacts write to your numbers.</Empty>
      </div>
    );
  return (
    <>
      <ul data-testid="conversation-list">
        {list.items.map((c) => (
          <li key={c.id}>
            <button
              onClick={() => onOpen(c.id)}
              className={cx(
                'flex w-full items-center justify-between gap-2 border-b border-line px-3 py-2 text-left text-sm last:border-0 hover:bg-bg',
                openId === c.id && 'bg-bg',
              )}
              data-testid="conversation-row"
            >
              <span className={cx('min-w-0 truncate', c.unread ? 'font-semibold' : '')}>
                {contactLabel(c.contact)}
              </span>
              <span className="flex shrink-0 items-center gap-1.5">
                {c.assignedTo ? (
                  <span className="text-xs text-muted" data-testid="row-assignee">
                    {nameOf(c.assignedTo)}
                  </span>
                ) : null}
                {c.unread ? (
                  <span
                    className="rounded-full bg-brand px-1.5 text-xs font-semibold text-white"
                    data-testid="row-unread"
                  >
                    {c.unread}
                  </span>
                ) : null}
                <Badge
                  tone={
                    c.status === 'handoff' ? 'warn' : c.status === 'completed' ? 'good' : 'neutral'
                  }
                >
                  {c.status}
                </Badge>
              </span>
            </button>
          </li>
        ))}
      </ul>
      <ShowMore list={list} />
    </>
  );
}
