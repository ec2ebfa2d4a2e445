// One per API process: listens on `workspace_events` (Postgres LISTEN/NOTIFY, or PGlite's own),
// reads each woken workspace's new events once, and hands them to every stream of that workspace
// open in this process. A stream that joins with a Last-Event-ID is replayed from the log first;
// one whose id is older than the log keeps is told to refetch (`reset`). Each stream has a bounded
// queue: a client that does not read is dropped, never buffered without end.
import type { Logger } from 'pino';
import { markInboxSeen, type DbClient } from '@waflow/db';
import { eventWindow, pruneEvents, readEvents, type InboxEvent } from './read-events.ts';

export const WORKSPACE_EVENTS_CHANNEL = 'workspace_events';

export interface HubOptions {
  /** Events one stream may have waiting to be written before it is dropped (default 1,000). */
  maxQueue?: number;
  /** Bytes a client may leave unread on its connection before it is dropped (default 1 MB). */
  maxBufferedBytes?: number;
  /** Events kept per workspace for replays (default 10,000), and for at most `keepMs` (24 h). */
  keep?: number;
  keepMs?: number;
}

export interface Stream {
  readonly userId: string;
  /** Called with events in seq order, each once; answers false when the stream is over its queue. */
  deliver(events: InboxEvent[]): boolean;
  drop(reason: string): void;
}

interface Sub {
  stream: Stream;
  /** The last seq this stream was given. */
  sent: number;
  /** Live events that came while the replay was being read. */
  held: InboxEvent[] | null;
  leave: () => void;
}

interface Room {
  cursor: number;
  subs: Set<Sub>;
  reading: boolean;
  again: boolean;
}

const PAGE = 500;

export class EventHub {
  private readonly rooms = new Map<string, Room>();
  private listening: Promise<unknown> | null = null;
  private pruner: ReturnType<typeof setInterval> | null = null;
  readonly maxQueue: number;
  readonly maxBufferedBytes: number;
  private readonly keep: number;
  private readonly keepMs: number;

  /** `deps.client` is read when first needed (tests build the app before their database). */
  constructor(
    private readonly deps: { client: DbClient; log: Logger },
    opts: HubOptions = {},
  ) {
    this.maxQueue = opts.maxQueue ?? 1000;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 1024 * 1024;
    this.keep = opts.keep ?? 10_000;
    this.keepMs = opts.keepMs ?? 24 * 3600_000;
  }

  /** Members with a stream open on this process (the inbox's "online" agents). */
  online(workspaceId: string): Set<string> {
    return new Set([...(this.rooms.get(workspaceId)?.subs ?? [])].map((s) => s.stream.userId));
  }

  streams(): number {
    let n = 0;
    for (const r of this.rooms.values()) n += r.subs.size;
    return n;
  }

  /**
   * Joins `stream` to the workspace's events after `lastSeq` (undefined: from now). Answers the
   * seq it starts after, or `reset` when `lastSeq` is outside the kept window, and a leave().
   */
  async join(
    workspaceId: string,
    stream: Stream,
    lastSeq: number | undefined,
  ): Promise<{ start: number; reset: boolean; leave: () => void }> {
    await this.listen();
    let room = this.rooms.get(workspaceId);
    const win = await eventWindow(this.deps.client.db, workspaceId);
    if (!room) {
      room = this.rooms.get(workspaceId) ?? {
        cursor: win.last,
        subs: new Set(),
        reading: false,
        again: false,
      };
      this.rooms.set(workspaceId, room);
    }
    const inWindow =
      lastSeq !== undefined &&
      lastSeq <= win.last &&
      (lastSeq === win.last || (win.oldest !== null && lastSeq >= win.oldest - 1));
    const from = lastSeq !== undefined && inWindow ? lastSeq : win.last;
    const r = room;
    const leave = () => {
      r.subs.delete(sub);
      if (r.subs.size === 0 && this.rooms.get(workspaceId) === r) this.rooms.delete(workspaceId);
    };
    const sub: Sub = { stream, sent: from, held: [], leave };
    room.subs.add(sub);
    this.markSeen(workspaceId, [stream.userId]);
    // Registered before the replay is read: whatever commits from here on reaches `held`.
    try {
      for (let after = from; ;) {
        const page = await readEvents(this.deps.client.db, workspaceId, after, PAGE);
        if (page.length && !this.hand(sub, page)) return { start: from, reset: false, leave };
        if (page.length < PAGE) break;
        after = page[page.length - 1]?.seq ?? after;
      }
      const held = sub.held ?? [];
      sub.held = null;
      this.hand(sub, held);
    } catch (err) {
      leave();
      throw err;
    }
    return { start: from, reset: lastSeq !== undefined && !inWindow, leave };
  }

  /** Gives `sub` the events after what it was given; false when it was dropped for it. */
  private hand(sub: Sub, events: InboxEvent[]): boolean {
    const fresh = events.filter((e) => e.seq > sub.sent);
    if (!fresh.length) return true;
    sub.sent = fresh[fresh.length - 1]?.seq ?? sub.sent;
    if (sub.stream.deliver(fresh)) return true;
    sub.leave();
    sub.stream.drop('slow client: more than its queue of events waiting');
    return false;
  }

  private async listen(): Promise<void> {
    this.listening ??= this.deps.client
      .listen(WORKSPACE_EVENTS_CHANNEL, (payload) => this.wake(payload))
      .then(
        () => {
          let ticks = 0;
          this.pruner = setInterval(() => {
            // A backstop for a NOTIFY lost while the listening connection was re-established.
            for (const id of this.rooms.keys()) void this.read(id);
            // Presence for the handoff block's round robin: who has the inbox open.
            if (ticks % 2 === 1)
              for (const id of this.rooms.keys()) this.markSeen(id, [...this.online(id)]);
            if (++ticks % 4 === 0)
              pruneEvents(this.deps.client.db, this.keep, this.keepMs).catch((err: unknown) =>
                this.deps.log.warn({ err }, 'pruning the inbox events failed'),
              );
          }, 15_000);
          this.pruner.unref();
        },
        (err: unknown) => {
          this.listening = null;
          throw err;
        },
      );
    await this.listening;
  }

  private markSeen(workspaceId: string, userIds: string[]): void {
    markInboxSeen(this.deps.client.db, workspaceId, userIds).catch((err: unknown) =>
      this.deps.log.warn({ err, workspaceId }, 'marking the inbox presence failed'),
    );
  }

  private wake(payload: string): void {
    const ids = payload === '*' ? [...this.rooms.keys()] : payload.split(',');
    for (const id of ids) if (this.rooms.has(id)) void this.read(id);
  }

  /** Reads the workspace's new events once for all its streams (a wake while reading reads again). */
  private async read(workspaceId: string): Promise<void> {
    const room = this.rooms.get(workspaceId);
    if (!room) return;
    if (room.reading) {
      room.again = true;
      return;
    }
    room.reading = true;
    try {
      do {
        room.again = false;
        for (;;) {
          const page = await readEvents(this.deps.client.db, workspaceId, room.cursor, PAGE);
          if (!page.length) break;
          room.cursor = page[page.length - 1]?.seq ?? room.cursor;
          for (const sub of [...room.subs]) {
            if (sub.held) sub.held.push(...page);
            else this.hand(sub, page);
          }
          if (page.length < PAGE) break;
        }
      } while (room.again);
    } catch (err) {
      this.deps.log.warn({ err, workspaceId }, 'reading the inbox events failed');
    } finally {
      room.reading = false;
    }
  }

  stop(): void {
    if (this.pruner) clearInterval(this.pruner);
    for (const room of this.rooms.values())
      for (const sub of room.subs) sub.stream.drop('the server is stopping');
    this.rooms.clear();
  }
}
