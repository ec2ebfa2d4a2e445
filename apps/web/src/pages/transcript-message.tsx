// One message of a conversation's transcript in the inbox: who wrote it (the contact, the bot, an
// agent here, an integrator, or a person on the linked phone), its delivery status, and for a
// failed one the reason with a one-click resend (editors); a notice for the team stands apart.
import { useState } from 'react';
import { PaperclipIcon } from '../components/paperclip-icon.tsx';
import { Button, cx } from '../components/ui.tsx';

export interface TranscriptEntry {
  id: string;
  direction: 'in' | 'out';
  author: string;
  body: string | null;
  status: string;
  error: string | null;
  createdAt: string;
  /** The member who wrote an agent's reply or a note. */
  userId?: string | null;
  /** `media`: a file (its caption is the body), kept in the data folder as `mediaRef`. */
  type?: string;
  mediaRef?: string | null;
}

/** WhatsApp's ticks for an outbound message: sent ✓, delivered ✓✓, read ✓✓ (blue). */
const TICKS: Record<string, string> = { sent: '✓', delivered: '✓✓', read: '✓✓' };

/** How the inbox names an outbound message's author. */
const AUTHORS: Record<string, string> = {
  bot: 'bot',
  agent: 'agent',
  integrator: 'integrator',
  phone: 'person on the phone',
};

export function TranscriptMessage({
  m,
  onResend,
  writer,
}: {
  m: TranscriptEntry;
  /** The name of the member who wrote it (agents' replies and notes). */
  writer?: string;
  /** Given when the viewer may resend (editors); resolves once the API answered. */
  onResend?: (messageId: string) => Promise<unknown>;
}) {
  const [resending, setResending] = useState(false);
  const failed = m.direction === 'out' && m.status === 'failed';
  // A notice (why an http block failed) is for the team, never sent to the contact.
  if (m.author === 'system')
    return (
      <p className="mx-auto max-w-[85%] text-center text-xs text-muted italic" data-testid="notice">
        {m.body}
      </p>
    );
  // An internal note: for the team, never sent to the contact.
  if (m.author === 'note')
    return (
      <div
        className="mx-auto w-[85%] rounded-lg border border-amber-300 bg-amber-50 px-3 py-1.5 text-sm whitespace-pre-wrap dark:border-amber-700 dark:bg-amber-900/30"
        data-testid="note"
      >
        {m.body}
        <div className="text-[10px] text-muted">
          note{writer ? ` by ${writer}` : ''} · not sent{' '}
          {new Date(m.createdAt).toLocaleTimeString()}
        </div>
      </div>
    );
  return (
    <div
      data-testid="transcript-message"
      className={cx(
        'max-w-[85%] rounded-lg px-3 py-1.5 text-sm whitespace-pre-wrap',
        m.direction === 'in'
          ? 'bg-bg'
          : failed
            ? 'ml-auto border border-danger/60 bg-red-50 dark:bg-red-900/30'
            : 'ml-auto bg-green-100 dark:bg-green-900/40',
      )}
    >
      {m.type === 'media' ? (
        <span className="flex items-center gap-1 text-xs font-medium" data-testid="attachment">
          <PaperclipIcon className="h-3.5 w-3.5" /> {m.mediaRef?.split('/').pop() ?? 'a file'}
        </span>
      ) : null}
      {m.body}
      <div className="text-[10px] text-muted">
        {m.direction === 'out' ? `${AUTHORS[m.author] ?? m.author} · ${m.status}` : ''}{' '}
        {new Date(m.createdAt).toLocaleTimeString()}
        {m.direction === 'out' && TICKS[m.status] ? (
          <span
            className={cx('ml-1', m.status === 'read' ? 'text-sky-500' : '')}
            data-testid="ticks"
            aria-label={m.status}
          >
            {TICKS[m.status]}
          </span>
        ) : null}
      </div>
      {failed ? (
        <div className="mt-1 flex items-start justify-between gap-2 text-xs">
          <span className="text-danger">Not sent: {m.error ?? 'no reason was given'}</span>
          {onResend ? (
            <Button
              size="sm"
              variant="secondary"
              disabled={resending}
              onClick={() => {
                // One request per click; the button stays off until it answers (the API queues
                // a failed message once anyway).
                setResending(true);
                void onResend(m.id).finally(() => setResending(false));
              }}
            >
              Resend
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
