// The inbox's live event stream on real Postgres with the embedded runtime and a sandbox number:
// messages in and out, their statuses and the conversation's changes arrive as they commit; a
// stream that reconnects with Last-Event-ID gets what came meanwhile, each event once and in
// order; an id older than the kept log is told to refetch; a client that does not read is dropped.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { echoFlow, until } from '@waflow/testkit';
import pino from 'pino';
import { EventHub } from '../../inbox/event-hub.ts';
import { pruneEvents } from '../../inbox/read-events.ts';
import { startInbox, type Inbox } from '../conversations/inbox-test-harness.ts';

interface Frame {
  event: string;
  id?: string;
  data: {
    seq: number;
    kind: string;
    reset?: boolean;
    conversationId?: string;
    conversation?: { status: string; contact: { waId: string } } | null;
    message?: { direction: string; body: string; status: string; author: string } | null;
  };
}

/** Reads an SSE response frame by frame. */
function frames(res: Response) {
  const got: Frame[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let done = false;
  const pump = (async () => {
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (r.done) break;
      buf += r.value;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const chunk = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const field = (name: string) => new RegExp(`^${name}: ?(.*)$`, 'm').exec(chunk)?.[1];
        const data = field('data');
        if (data)
          got.push({
            event: field('event') ?? 'message',
            ...(field('id') !== undefined ? { id: field('id') } : {}),
            data: JSON.parse(data) as Frame['data'],
          });
      }
    }
    done = true;
  })();
  return {
    got,
    inbox: () => got.filter((f) => f.event === 'inbox'),
    ended: () => done,
    close: async () => {
      await reader.cancel().catch(() => {});
      await pump;
    },
  };
}

const line = (f: Frame) =>
  f.data.message
    ? `${f.data.kind} ${f.data.message.direction} ${f.data.message.author} ${f.data.message.status}: ${f.data.message.body}`
    : `${f.data.kind} ${f.data.conversation?.status ?? ''}`;

describe('the inbox event stream', () => {
  let inbox: Inbox;
  beforeAll(async () => {
    inbox = await startInbox(inject('pgUrl'), echoFlow);
  });
  afterAll(async () => {
    await inbox.close();
  });

  it('pushes a message in, the reply and its status as they commit', async () => {
    const res = await inbox.call('GET', '/events');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const s = frames(res);
    await until(() => (s.got[0]?.event === 'ready' ? true : undefined), 'the ready event');
    inbox.sandbox.deliver({ from: '34600000001@c.us', text: 'hello' });
    await until(
      () =>
        s.inbox().some((f) => line(f) === 'message_status out bot sent: say something')
          ? true
          : undefined,
      'the reply marked sent',
    );
    const lines = s.inbox().map(line);
    expect(lines).toContain('message in contact delivered: hello');
    expect(lines.some((l) => l.startsWith('conversation '))).toBe(true);
    const seqs = s.inbox().map((f) => f.data.seq);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
    expect(s.inbox().map((f) => f.id)).toEqual(seqs.map(String));
    await s.close();
  });

  it('replays what came while the stream was away, each event once, with no gap', async () => {
    const first = frames(await inbox.call('GET', '/events'));
    await until(() => (first.got[0]?.event === 'ready' ? true : undefined), 'ready');
    inbox.sandbox.deliver({ from: '34600000002@c.us', text: 'one' });
    await until(() => (first.inbox().length >= 3 ? true : undefined), 'the first events');
    await first.close();
    const last = Number(first.got[first.got.length - 1]?.id);
    const seen = first.inbox().map((f) => f.data.seq);

    // Away: the contact writes again and the bot answers.
    const sentBefore = inbox.sandbox.sent.length;
    inbox.sandbox.deliver({ from: '34600000002@c.us', text: 'two' });
    inbox.sandbox.deliver({ from: '34600000003@c.us', text: 'three' });
    await until(() => (inbox.sandbox.sent.length >= sentBefore + 2 ? true : undefined), 'replies');

    const again = frames(
      await inbox.call('GET', '/events', undefined, { 'last-event-id': String(last) }),
    );
    await until(
      () =>
        again.inbox().some((f) => f.data.message?.body === 'three') &&
        again.inbox().filter((f) => f.data.kind === 'message_status').length >= 2
          ? true
          : undefined,
      'the replay',
    );
    expect(again.got[0]).toMatchObject({ event: 'ready', data: { seq: last, reset: false } });
    const replayed = again.inbox().map((f) => f.data.seq);
    expect(replayed[0]).toBe(last + 1);
    expect(replayed).toEqual(replayed.map((_, i) => last + 1 + i));
    expect(replayed.filter((q) => seen.includes(q))).toEqual([]);
    const bodies = again
      .inbox()
      .flatMap((f) => (f.data.kind === 'message' ? [f.data.message?.body] : []));
    expect(bodies).toEqual(expect.arrayContaining(['two', 'three']));
    await again.close();

    // The same through the query parameter EventSource users can set.
    const byQuery = frames(await inbox.call('GET', `/events?lastEventId=${last}`));
    await until(() => (byQuery.inbox().length >= replayed.length ? true : undefined), 'replay');
    expect(
      byQuery
        .inbox()
        .map((f) => f.data.seq)
        .slice(0, replayed.length),
    ).toEqual(replayed);
    await byQuery.close();
  });

  it('tells a stream whose id is older than the kept log to refetch', async () => {
    await pruneEvents(inbox.client.db, 1, 24 * 3600_000);
    const s = frames(await inbox.call('GET', '/events', undefined, { 'last-event-id': '1' }));
    await until(() => (s.got[0] ? true : undefined), 'ready');
    expect(s.got[0]).toMatchObject({ event: 'ready', data: { reset: true } });
    expect(s.got[0]?.data.seq).toBeGreaterThan(1);
    await s.close();
  });

  it('drops a client that does not read, keeping at most its queue', async () => {
    const hub = new EventHub(
      { client: inbox.client, log: pino({ level: 'silent' }) },
      { maxQueue: 3 },
    );
    const waiting: number[] = [];
    let dropped = '';
    const ws = String((await inbox.json('GET', '')).id);
    await hub.join(
      ws,
      {
        userId: 'u',
        deliver: (events) => {
          waiting.push(...events.map((e) => e.seq));
          return waiting.length <= 3;
        },
        drop: (reason) => {
          dropped = reason;
        },
      },
      undefined,
    );
    expect(hub.streams()).toBe(1);
    for (let i = 0; i < 3; i++) inbox.sandbox.deliver({ from: `3460000001${i}@c.us`, text: 'hi' });
    await until(() => (dropped ? true : undefined), 'the slow client dropped');
    expect(dropped).toContain('slow client');
    expect(hub.streams()).toBe(0);
    hub.stop();
  });

  it('refuses a bad Last-Event-ID in the query with what to send', async () => {
    const res = await inbox.call('GET', '/events?lastEventId=abc');
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('lastEventId is the id of the last event');
  });
});
