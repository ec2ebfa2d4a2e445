// The inbox kept live for the whole signed-in app: one event stream per workspace (resuming after
// the last event on reconnect), each event applied to the cached lists and the open conversation
// (no polling), the unread count for the nav and the document title, and an opt-in sound when a
// conversation is handed to the team with nobody on it.
import { useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { api, streamEvents } from '../api.ts';
import { useSession } from '../session.tsx';
import { applyToDetail, applyToList } from './apply-event.ts';
import { chime } from './chime.ts';
import type { ConvDetail, InboxEvent, ListPage } from './types.ts';

interface Live {
  /** The conversation on screen: its messages count as read. */
  setOpen(id: string | null): void;
  connected: boolean;
  unread: { conversations: number; unassigned: number } | undefined;
  sound: boolean;
  setSound(on: boolean): void;
}

const LiveContext = createContext<Live | null>(null);
const SOUND_KEY = 'waflow:inbox-sound';

export function LiveInbox({ children }: { children: ReactNode }) {
  const { workspace, profile } = useSession();
  const qc = useQueryClient();
  const wsId = workspace?.id;
  const me = profile?.user.id ?? '';
  const open = useRef<string | null>(null);
  const [connected, setConnected] = useState(false);
  const [sound, setSoundState] = useState(() => localStorage.getItem(SOUND_KEY) === 'on');
  const soundRef = useRef(sound);
  soundRef.current = sound;
  const unread = useQuery({
    queryKey: [`/workspaces/${wsId}`, 'unread'],
    queryFn: () =>
      api.get<{ conversations: number; unassigned: number }>(
        `/workspaces/${wsId}/conversations/unread`,
      ),
    enabled: !!wsId,
  });

  useEffect(() => {
    if (!wsId) return;
    const ws = `/workspaces/${wsId}`;
    const ctrl = new AbortController();
    let lastSeq = -1;
    let unreadTimer: ReturnType<typeof setTimeout> | undefined;
    const recountSoon = () => {
      clearTimeout(unreadTimer);
      unreadTimer = setTimeout(() => void qc.invalidateQueries({ queryKey: [ws, 'unread'] }), 300);
    };
    const apply = (e: InboxEvent) => {
      const conv = e.conversation;
      if (!conv) return;
      const isOpen = open.current === conv.id;
      const inbound = e.kind === 'message' && e.message?.direction === 'in';
      const before = qc
        .getQueriesData<InfiniteData<ListPage>>({ queryKey: [ws, 'conversations'] })
        .flatMap(([, d]) => d?.pages.flatMap((p) => p.items) ?? [])
        .find((c) => c.id === conv.id);
      for (const [key] of qc.getQueriesData({ queryKey: [ws, 'conversations'] })) {
        const qs = typeof key[2] === 'string' ? key[2] : '';
        qc.setQueryData<InfiniteData<ListPage>>(key, (d) =>
          applyToList(d, conv, { qs, me, unreadBump: inbound && !isOpen ? 1 : 0 }),
        );
      }
      qc.setQueryData<ConvDetail>([ws, 'conversation', conv.id], (d) => applyToDetail(d, e));
      if (inbound && isOpen) void api.post(`${ws}/conversations/${conv.id}/read`);
      if (inbound || e.kind === 'conversation') recountSoon();
      const handedNow =
        conv.status === 'handoff' && !conv.assignedTo && before?.status !== 'handoff';
      if (handedNow && soundRef.current) chime();
    };
    streamEvents(
      `${ws}/events`,
      (event, data) => {
        if (event === 'ready') {
          const r = data as { seq: number; reset: boolean };
          // First connection, or a gap the server no longer keeps: read everything again.
          if (lastSeq < 0 || r.reset) void qc.invalidateQueries({ queryKey: [ws] });
          lastSeq = r.seq;
          setConnected(true);
          return;
        }
        if (event !== 'inbox') return;
        const e = data as InboxEvent;
        if (e.seq <= lastSeq) return;
        lastSeq = e.seq;
        apply(e);
      },
      ctrl.signal,
      undefined,
      () => setConnected(false),
    );
    return () => {
      ctrl.abort();
      clearTimeout(unreadTimer);
      setConnected(false);
    };
  }, [wsId, me, qc]);

  const n = unread.data?.conversations ?? 0;
  useEffect(() => {
    const base = document.title.replace(/^\(\d+\) /, '');
    document.title = n > 0 ? `(${n}) ${base}` : base;
  }, [n]);

  const value = useMemo<Live>(
    () => ({
      setOpen: (id) => {
        open.current = id;
      },
      connected,
      unread: unread.data,
      sound,
      setSound: (on) => {
        localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
        setSoundState(on);
        if (on) chime();
      },
    }),
    [connected, unread.data, sound],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLiveInbox(): Live {
  const v = useContext(LiveContext);
  if (!v) throw new Error('useLiveInbox outside LiveInbox');
  return v;
}
