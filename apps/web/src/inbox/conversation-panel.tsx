// One conversation in the inbox: who has it (assign), take over / give back to the bot / end,
// the transcript with notes and live delivery ticks, the reply box, and the contact's details
// with their past conversations. Kept current by the live stream; nothing here polls.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Badge, Button, Modal, Select, Spinner, useToast } from '../components/ui.tsx';
import { TranscriptMessage } from '../pages/transcript-message.tsx';
import { useSession } from '../session.tsx';
import { useLiveInbox } from './live-inbox.tsx';
import { ReplyBox } from './reply-box.tsx';
import type { Member } from '../members.ts';
import { contactLabel, type Conv, type ConvDetail } from './types.ts';

export function ConversationPanel({
  ws,
  id,
  members,
  onMembersNeeded,
  onBack,
  onOpen,
}: {
  ws: string;
  id: string;
  members: Member[];
  /** The assignee picker opens: read the team again (someone may have joined). */
  onMembersNeeded: () => void;
  onBack: () => void;
  onOpen: (id: string | null) => void;
}) {
  const { can, profile } = useSession();
  const me = profile?.user.id ?? '';
  const toast = useToast();
  const qc = useQueryClient();
  const live = useLiveInbox();
  const [erasing, setErasing] = useState(false);
  const [details, setDetails] = useState(false);
  const [resumeAt, setResumeAt] = useState('');
  const detail = useQuery({
    queryKey: [ws, 'conversation', id],
    queryFn: () => api.get<ConvDetail>(`${ws}/conversations/${id}`),
  });
  useEffect(() => {
    live.setOpen(id);
    void api.post(`${ws}/conversations/${id}/read`).then(() => {
      void qc.invalidateQueries({ queryKey: [ws, 'unread'] });
    });
    return () => live.setOpen(null);
  }, [ws, id]);
  const d = detail.data;
  const past = useQuery({
    queryKey: [ws, 'contact-conversations', d?.contact.id],
    queryFn: () =>
      api.get<{ items: Conv[] }>(`${ws}/conversations?contactId=${d?.contact.id ?? ''}&limit=20`),
    enabled: details && !!d,
  });
  const nameOf = (userId: string | null) =>
    userId === me ? 'you' : (members.find((m) => m.userId === userId)?.name ?? 'a colleague');
  const act = (path: string, body?: unknown) =>
    api
      .post(`${ws}/conversations/${id}/${path}`, body)
      .then(() => {
        // The stream brings the change; the detail is read again for what it does not carry.
        void qc.invalidateQueries({ queryKey: [ws, 'conversation', id] });
      })
      .catch((e: unknown) => {
        toast('bad', e instanceof ApiError ? e.message : 'That did not work.');
        throw e;
      });
  if (!d) return <Spinner />;
  const name = contactLabel(d.contact);
  const open = d.status !== 'completed' && d.status !== 'expired';
  const colleague = d.status === 'handoff' && d.assignedTo && d.assignedTo !== me;
  return (
    <>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <div className="flex min-w-0 items-center gap-2">
          <Button
            size="sm"
            variant="ghost"
            className="md:hidden"
            onClick={onBack}
            aria-label="Back"
          >
            ←
          </Button>
          <button
            className="truncate font-medium hover:underline"
            onClick={() => setDetails((v) => !v)}
            aria-expanded={details}
          >
            {name}
          </button>
          <Badge tone={d.status === 'handoff' ? 'warn' : 'neutral'}>{d.status}</Badge>
          {d.contact.optedOutAt ? (
            <span title="They wrote an opt-out keyword: the bot stays quiet and campaigns skip them">
              <Badge tone="warn">Opted out</Badge>
            </span>
          ) : null}
        </div>
        <div className="flex flex-wrap items-center gap-1.5">
          {can('editor') && open ? (
            <Select
              aria-label="Assigned to"
              className="max-w-40 py-1 text-xs"
              value={d.assignedTo ?? ''}
              onFocus={onMembersNeeded}
              onChange={(e) =>
                void act('assign', { userId: e.target.value || null }).catch(() => {})
              }
            >
              <option value="">Unassigned</option>
              {members
                .filter((m) => m.role !== 'viewer')
                .map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.userId === me ? `${m.name} (you)` : m.name}
                  </option>
                ))}
            </Select>
          ) : d.assignedTo ? (
            <span className="text-xs text-muted">with {nameOf(d.assignedTo)}</span>
          ) : null}
          {can('editor') && open ? (
            d.status === 'handoff' ? (
              <>
                <Select
                  aria-label="Carry on at"
                  className="max-w-44 py-1 text-xs"
                  value={resumeAt}
                  onChange={(e) => setResumeAt(e.target.value)}
                >
                  <option value="">where the bot left off</option>
                  {d.blocks.map((b) => (
                    <option key={b.id} value={b.id}>
                      at {b.id} ({b.type})
                    </option>
                  ))}
                </Select>
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() =>
                    void act(
                      resumeAt ? `release?nodeId=${encodeURIComponent(resumeAt)}` : 'release',
                    ).catch(() => {})
                  }
                >
                  Give back to the bot
                </Button>
              </>
            ) : (
              <Button
                size="sm"
                variant="secondary"
                onClick={() => void act('handoff').catch(() => {})}
              >
                Take over
              </Button>
            )
          ) : null}
          {can('editor') && open ? (
            <Button size="sm" variant="ghost" onClick={() => void act('end').catch(() => {})}>
              End
            </Button>
          ) : null}
          {can('admin') ? (
            <Button size="sm" variant="ghost" onClick={() => setErasing(true)}>
              Erase contact
            </Button>
          ) : null}
        </div>
      </div>
      <Modal open={erasing} onOpenChange={setErasing} title={`Erase ${name}?`}>
        <p className="mb-4 text-sm">
          Everything kept about this contact is deleted for good: their conversations and messages,
          what they answered (results), replies still queued, and the webhook deliveries about them.
          Your webhook endpoints get contact.erased, to erase them in your other systems too. The
          audit log records that you erased a contact, not who. If they write again, they start as a
          new contact.
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
                  onOpen(null);
                  toast('good', 'The contact and everything kept about them were erased.');
                  void qc.invalidateQueries({ queryKey: [ws] });
                },
                (e: unknown) =>
                  toast('bad', e instanceof ApiError ? e.message : 'Could not erase the contact.'),
              )
            }
          >
            Erase
          </Button>
        </div>
      </Modal>
      {details ? (
        <div className="mb-2 rounded border border-line p-2 text-xs" data-testid="contact-details">
          <div>
            <span className="text-muted">Phone</span> {d.contact.waId.replace(/@.*/, '')}
          </div>
          {d.contactProfile?.tags.length ? (
            <div>
              <span className="text-muted">Tags</span> {d.contactProfile.tags.join(', ')}
            </div>
          ) : null}
          {d.contactProfile?.optedOutAt ? (
            <div className="text-danger">Opted out of messages</div>
          ) : null}
          {Object.entries({ ...d.contactProfile?.attributes, ...d.variables }).map(([k, v]) => (
            <div key={k}>
              <span className="text-muted">{k}</span>{' '}
              {typeof v === 'string' ? v : JSON.stringify(v)}
            </div>
          ))}
          <div className="mt-1 text-muted">Conversations</div>
          <ul>
            {(past.data?.items ?? []).map((c) => (
              <li key={c.id}>
                <button className="hover:underline" onClick={() => onOpen(c.id)}>
                  {new Date(c.lastActivityAt).toLocaleString()} · {c.status}
                  {c.id === d.id ? ' (this one)' : ''}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {d.status === 'handoff' ? (
        <p
          className="mb-2 rounded bg-amber-100 px-2 py-1 text-xs text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"
          data-testid="handoff-banner"
        >
          {d.handoffUntil
            ? `A person replied from the phone: the bot stays quiet until ${new Date(d.handoffUntil).toLocaleTimeString()}.`
            : d.assignedTo
              ? `${d.assignedTo === me ? 'You have' : `${nameOf(d.assignedTo)} has`} this conversation: the bot stays quiet.`
              : 'A person has this conversation: the bot stays quiet.'}
          {d.handoffReason ? (
            <>
              {' '}
              The flow says: <strong>{d.handoffReason}</strong>
            </>
          ) : null}
        </p>
      ) : null}
      <div className="flex-1 space-y-1.5 overflow-y-auto" data-testid="transcript">
        {d.messages.map((m) => (
          <TranscriptMessage
            key={m.id}
            m={m}
            {...(m.userId ? { writer: nameOf(m.userId) } : {})}
            {...(can('editor') ? { onResend: (mid: string) => act(`messages/${mid}/resend`) } : {})}
          />
        ))}
      </div>
      {can('editor') && open ? (
        <ReplyBox
          ws={ws}
          contactName={d.contact.name ?? name}
          disabledReason={
            colleague
              ? `${nameOf(d.assignedTo)} has this conversation: assign it to yourself to reply.`
              : null
          }
          onReply={(text) => act('messages', { text })}
          onNote={(text) => act('notes', { text })}
          onAttach={(file, caption) =>
            api
              .upload(
                `${ws}/conversations/${id}/attachments?${new URLSearchParams({
                  fileName: file.name,
                  ...(caption ? { caption } : {}),
                }).toString()}`,
                file,
                file.type || 'application/octet-stream',
              )
              .then(() => void qc.invalidateQueries({ queryKey: [ws, 'conversation', id] }))
              .catch((e: unknown) => {
                toast('bad', e instanceof ApiError ? e.message : 'The file could not be sent.');
                throw e;
              })
          }
        />
      ) : null}
    </>
  );
}
