// The simulator: chat with the saved draft through the sandbox channel — the same pipeline as
// WhatsApp. Bot messages stream in over SSE; numbered menus become buttons; the variables show
// as they fill.
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, streamEvents } from '../api.ts';
import { Button, cx, Input, useToast } from '../components/ui.tsx';
import { useWs } from '../session.tsx';

interface Line {
  /** `notice`: a line for the person testing, never sent to a contact (why an http block failed). */
  from: 'bot' | 'you' | 'notice';
  text: string;
}

/** `1. Website` lines of a numbered menu. */
function choices(text: string): { n: string; label: string }[] {
  return [...text.matchAll(/^(\d+)\. (.+)$/gm)].map((m) => ({ n: m[1] ?? '', label: m[2] ?? '' }));
}

export function Simulator({ flowId, ready }: { flowId: string; ready: boolean }) {
  const ws = useWs();
  const toast = useToast();
  const [session, setSession] = useState<string | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [variables, setVariables] = useState<Record<string, unknown>>({});
  const [text, setText] = useState('');
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!session) return;
    const ctrl = new AbortController();
    streamEvents(
      `${ws}/simulator/${session}/events`,
      (event, data) => {
        if (event === 'message') {
          const m = data as { type: string; text?: string; caption?: string };
          setLines((l) => [
            ...l,
            {
              from: 'bot',
              text: m.type === 'text' ? (m.text ?? '') : `[${m.type}] ${m.caption ?? ''}`,
            },
          ]);
        } else if (event === 'notice') {
          const n = data as { text: string };
          setLines((l) => [...l, { from: 'notice', text: n.text }]);
        } else if (event === 'state')
          setVariables((data as { variables: Record<string, unknown> }).variables);
      },
      ctrl.signal,
    );
    return () => ctrl.abort();
  }, [session, ws]);
  useEffect(() => {
    // Braces: newer browsers return a promise from scrollIntoView, and an effect may only return a cleanup.
    end.current?.scrollIntoView({ block: 'end' });
  }, [lines]);

  const start = async () => {
    try {
      const r = await api.post<{ sessionId: string }>(`${ws}/flows/${flowId}/simulator`);
      setLines([]);
      setVariables({});
      setSession(r.sessionId);
    } catch (err) {
      toast('bad', err instanceof ApiError ? err.message : 'Could not start the simulator.');
    }
  };
  const send = async (t: string) => {
    if (!session || !t.trim()) return;
    setLines((l) => [...l, { from: 'you', text: t }]);
    setText('');
    await api
      .post(`${ws}/simulator/${session}/messages`, { text: t })
      .catch((err: unknown) => toast('bad', err instanceof ApiError ? err.message : 'Not sent.'));
  };

  if (!session) {
    return (
      <div className="space-y-3 text-sm">
        <p className="text-muted">
          Chat with this draft as a contact would on WhatsApp. Nothing is sent to real numbers.
        </p>
        <Button onClick={() => void start()} disabled={!ready}>
          Start a test chat
        </Button>
        {!ready ? (
          <p className="text-xs text-muted">
            Fix the problems shown on the blocks (and let the draft save) first.
          </p>
        ) : null}
      </div>
    );
  }
  const vars = Object.entries(variables).filter(([k]) => k !== 'contact');
  return (
    <div className="flex h-full flex-col gap-3" data-testid="simulator">
      <div
        className="min-h-64 flex-1 space-y-2 overflow-y-auto rounded-md bg-[#e5ddd5] p-3 dark:bg-[#0b141a]"
        aria-live="polite"
      >
        {lines.map((l, i) =>
          l.from === 'notice' ? (
            <p
              key={i}
              className="mx-auto max-w-[85%] text-center text-xs text-gray-600 italic dark:text-gray-300"
              data-testid="notice"
            >
              {l.text}
            </p>
          ) : (
            <div
              key={i}
              className={cx(
                'max-w-[85%] rounded-lg px-3 py-2 text-sm whitespace-pre-wrap shadow-sm',
                l.from === 'bot'
                  ? 'bg-white text-gray-900 dark:bg-[#202c33] dark:text-gray-100'
                  : 'ml-auto bg-[#d9fdd3] text-gray-900 dark:bg-[#005c4b] dark:text-gray-100',
              )}
              data-testid={l.from === 'bot' ? 'bot-message' : 'my-message'}
            >
              {l.text}
              {l.from === 'bot' && i === lines.length - 1 && choices(l.text).length ? (
                <div className="mt-2 flex flex-wrap gap-1">
                  {choices(l.text).map((c) => (
                    <button
                      key={c.n}
                      className="rounded-full border border-brand px-2 py-0.5 text-xs text-brand"
                      onClick={() => void send(c.n)}
                    >
                      {c.label}
                    </button>
                  ))}
                </div>
              ) : null}
            </div>
          ),
        )}
        <div ref={end} />
      </div>
      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void send(text);
        }}
      >
        <Input
          aria-label="Message"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Type a message"
        />
        <Button type="submit">Send</Button>
      </form>
      <div>
        <h3 className="mb-1 text-xs font-semibold text-muted uppercase">Variables</h3>
        {vars.length ? (
          <dl className="grid grid-cols-2 gap-x-3 text-sm" data-testid="variables">
            {vars.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-muted">{k}</dt>
                <dd className="truncate">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="text-xs text-muted">None yet.</p>
        )}
        <Button variant="ghost" size="sm" className="mt-2" onClick={() => void start()}>
          Restart
        </Button>
      </div>
    </div>
  );
}
