// Where an agent writes: a reply to the contact (it takes the conversation over) or an internal
// note for the team (never sent), with the workspace's saved replies one pick away
// (`{{contact.name}}` filled in with the contact's name).
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api } from '../api.ts';
import { PaperclipIcon } from '../components/paperclip-icon.tsx';
import { Button, cx, Select, Textarea } from '../components/ui.tsx';

interface SavedReply {
  id: string;
  title: string;
  text: string;
}

export const fillSavedReply = (text: string, contactName: string) =>
  text.replace(/\{\{\s*contact\.name\s*\}\}/g, contactName);

export function ReplyBox({
  ws,
  contactName,
  disabledReason,
  onReply,
  onNote,
  onAttach,
}: {
  ws: string;
  contactName: string;
  /** Set when the reply is not yours to give (a colleague has the conversation). */
  disabledReason: string | null;
  onReply: (text: string) => Promise<unknown>;
  onNote: (text: string) => Promise<unknown>;
  /** Sends an image or a document, with the box's text as its caption. */
  onAttach: (file: File, caption: string) => Promise<unknown>;
}) {
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const saved = useQuery({
    queryKey: [ws, 'saved-replies'],
    queryFn: () => api.get<{ items: SavedReply[] }>(`${ws}/saved-replies`),
  });
  const replyOff = mode === 'reply' && disabledReason !== null;
  return (
    <form
      className="mt-2 space-y-1.5"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim() || replyOff) return;
        void (mode === 'reply' ? onReply(text) : onNote(text)).then(() => setText(''));
      }}
    >
      <div className="flex items-center gap-1 text-xs" role="tablist" aria-label="Write">
        {(['reply', 'note'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            onClick={() => setMode(m)}
            className={cx('rounded px-2 py-0.5', mode === m ? 'bg-line font-medium' : 'text-muted')}
          >
            {m === 'reply' ? 'Reply' : 'Internal note'}
          </button>
        ))}
        {saved.data?.items.length ? (
          <Select
            aria-label="Saved reply"
            className="ml-auto max-w-48 py-0.5 text-xs"
            value=""
            onChange={(e) => {
              const r = saved.data.items.find((x) => x.id === e.target.value);
              if (r) setText(fillSavedReply(r.text, contactName));
            }}
          >
            <option value="">Saved replies…</option>
            {saved.data.items.map((r) => (
              <option key={r.id} value={r.id}>
                {r.title}
              </option>
            ))}
          </Select>
        ) : null}
      </div>
      {replyOff ? (
        <p className="text-xs text-muted" data-testid="reply-locked">
          {disabledReason}
        </p>
      ) : null}
      <div className="flex gap-2">
        <Textarea
          aria-label={mode === 'reply' ? 'Reply' : 'Note'}
          rows={2}
          value={text}
          disabled={replyOff}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
          placeholder={
            mode === 'reply'
              ? 'Reply as a person (takes the conversation over)'
              : 'A note for the team — never sent to the contact'
          }
        />
        {mode === 'reply' ? (
          <>
            <input
              ref={fileInput}
              type="file"
              className="sr-only"
              aria-label="Attach an image or a document"
              accept="image/jpeg,image/png,application/pdf,.doc,.docx,.xls,.xlsx,.txt,.csv"
              disabled={replyOff || sending}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (!file) return;
                setSending(true);
                onAttach(file, text.trim())
                  .then(() => setText(''))
                  .catch(() => undefined)
                  .finally(() => setSending(false));
              }}
            />
            <Button
              type="button"
              variant="secondary"
              disabled={replyOff || sending}
              title="Send an image or a document (the text above goes as its caption)"
              aria-label="Attach a file"
              onClick={() => fileInput.current?.click()}
            >
              <PaperclipIcon />
            </Button>
          </>
        ) : null}
        <Button type="submit" disabled={replyOff}>
          {mode === 'reply' ? 'Send' : 'Add note'}
        </Button>
      </div>
    </form>
  );
}
