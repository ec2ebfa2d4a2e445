// How one live event changes what the inbox has on screen, without asking the API again: the
// conversation's row moves to the top of each list it belongs in (and leaves the others), the
// open transcript gains or updates the message. Pure functions over the query cache's data.
import type { InfiniteData } from '@tanstack/react-query';
import type { Conv, ConvDetail, InboxEvent, ListPage } from './types.ts';

/** Whether `c` belongs in a list asked with `qs` (the same rules as the API's filters). */
export function belongs(c: Conv, qs: string, me: string): boolean {
  const p = new URLSearchParams(qs);
  const status = p.get('status');
  if (status && c.status !== status) return false;
  const q = p.get('q')?.toLowerCase();
  if (q && !`${c.contact.name ?? ''} ${c.contact.waId}`.toLowerCase().includes(q)) return false;
  switch (p.get('view') ?? 'all') {
    case 'mine':
      return c.assignedTo === me;
    case 'unassigned':
      return c.status === 'handoff' && !c.assignedTo;
    case 'handoff':
      return c.status === 'handoff';
    case 'bot':
      return c.status === 'active' || c.status === 'waiting';
    default:
      return true;
  }
}

/** The list with the event's conversation in place; `unreadBump` adds to its unread count. */
export function applyToList(
  data: InfiniteData<ListPage> | undefined,
  conv: Conv,
  opts: { qs: string; me: string; unreadBump: number },
): InfiniteData<ListPage> | undefined {
  if (!data) return data;
  const before = data.pages.flatMap((p) => p.items).find((c) => c.id === conv.id);
  const pages = data.pages.map((p) => ({ ...p, items: p.items.filter((c) => c.id !== conv.id) }));
  if (belongs(conv, opts.qs, opts.me) && pages[0]) {
    const row: Conv = { ...conv, unread: (before?.unread ?? 0) + opts.unreadBump };
    const first = pages[0].items;
    const at = first.findIndex((c) => c.lastActivityAt <= row.lastActivityAt);
    pages[0] = {
      ...pages[0],
      items: at < 0 ? [...first, row] : [...first.slice(0, at), row, ...first.slice(at)],
    };
  }
  return { ...data, pages };
}

/** The open conversation with the event applied (its fields, and the message added or updated). */
export function applyToDetail(d: ConvDetail | undefined, e: InboxEvent): ConvDetail | undefined {
  if (!d || e.conversationId !== d.id) return d;
  let next: ConvDetail = e.conversation ? { ...d, ...e.conversation, unread: 0 } : d;
  const m = e.message;
  if (m) {
    const i = next.messages.findIndex((x) => x.id === m.id);
    next = {
      ...next,
      messages: i < 0 ? [...next.messages, m] : next.messages.map((x, j) => (j === i ? m : x)),
    };
  }
  return next;
}
