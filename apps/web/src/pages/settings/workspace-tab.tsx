// Settings → Workspace: the person-reply pause and the retention period (admins edit, others read).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { Button, Card, Field, Input, Spinner } from '../../components/ui.tsx';
import { useSession, useWs } from '../../session.tsx';
import { useAct } from './use-act.ts';

export function WorkspaceSettings() {
  const ws = useWs();
  const { can, reloadProfile } = useSession();
  const act = useAct();
  const current = useQuery({
    queryKey: [ws, 'workspace'],
    queryFn: () => api.get<{ name: string; settings: WorkspaceSettingsValues }>(ws),
  });
  if (!current.data) return <Spinner />;
  return (
    <WorkspaceForm
      key={ws}
      initial={current.data}
      editable={can('admin')}
      onSave={(body) =>
        // A new name shows in the workspace switcher too.
        void act(() => api.patch(ws, body), 'Workspace settings saved.').then(reloadProfile)
      }
    />
  );
}

interface WorkspaceSettingsValues {
  humanReplyPauseMinutes?: number;
  /** Days kept after a conversation's last activity; null or absent: kept until deleted. */
  retentionDays?: number | null;
  optOutKeywords?: string[];
  startKeywords?: string[];
}

// The API's defaults when the workspace has not set its own (@waflow/db opt-out-keywords.ts).
const DEFAULT_OPT_OUT = 'STOP, BAJA, SAIR, UNSUBSCRIBE, CANCELAR';
const DEFAULT_START = 'START, ALTA, VOLTAR';
const words = (s: string) =>
  s
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');

function WorkspaceForm({
  initial,
  editable,
  onSave,
}: {
  initial: { name: string; settings: WorkspaceSettingsValues };
  editable: boolean;
  onSave: (b: unknown) => void;
}) {
  const [name, setName] = useState(initial.name);
  const [pause, setPause] = useState(String(initial.settings.humanReplyPauseMinutes ?? 60));
  const [retention, setRetention] = useState(
    initial.settings.retentionDays ? String(initial.settings.retentionDays) : '',
  );
  const [optOut, setOptOut] = useState(
    initial.settings.optOutKeywords?.join(', ') ?? DEFAULT_OPT_OUT,
  );
  const [start, setStart] = useState(initial.settings.startKeywords?.join(', ') ?? DEFAULT_START);
  return (
    <Card className="max-w-xl p-4">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          onSave({
            name,
            settings: {
              humanReplyPauseMinutes: Number(pause),
              retentionDays: retention.trim() === '' ? null : Number(retention),
              optOutKeywords: words(optOut),
              startKeywords: words(start),
            },
          });
        }}
      >
        <fieldset disabled={!editable} className="space-y-4">
          <Field label="Workspace name" htmlFor="wsname">
            <Input id="wsname" value={name} onChange={(e) => setName(e.target.value)} required />
          </Field>
          <Field
            label="Pause the bot after a person replies from the phone (minutes)"
            htmlFor="pause"
            help="So the bot never talks over a colleague who answered from WhatsApp itself."
          >
            <Input
              id="pause"
              type="number"
              min={0}
              max={10080}
              value={pause}
              onChange={(e) => setPause(e.target.value)}
            />
          </Field>
          <Field
            label="Delete conversations after (days)"
            htmlFor="retention"
            help="Conversations, their messages and results are deleted this many days after their last message, with contacts who have nothing left. Empty: kept until you delete them."
          >
            <Input
              id="retention"
              type="number"
              min={1}
              max={3650}
              placeholder="keep"
              value={retention}
              onChange={(e) => setRetention(e.target.value)}
            />
          </Field>
          <Field
            label="Opt-out keywords"
            htmlFor="opt-out-keywords"
            help="A contact who writes one of these (case and accents aside) is opted out: the bot goes quiet and campaigns skip them. Comma-separated."
          >
            <Input
              id="opt-out-keywords"
              value={optOut}
              onChange={(e) => setOptOut(e.target.value)}
            />
          </Field>
          <Field
            label="Start keywords"
            htmlFor="start-keywords"
            help="Only the contact can opt back in, by writing one of these."
          >
            <Input id="start-keywords" value={start} onChange={(e) => setStart(e.target.value)} />
          </Field>
          {editable ? <Button type="submit">Save</Button> : null}
        </fieldset>
      </form>
    </Card>
  );
}
