// The switcher's "New workspace" dialog: a name, and the person who creates it becomes its owner.
// The API's refusal (an empty or repeated name) is said under the field, in its words.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Field, FormActions, hintId, Input, Modal } from '../components/ui.tsx';
import type { Workspace } from '../session.tsx';

export function NewWorkspaceDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  onCreated: (ws: Workspace) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api.post<Workspace>('/workspaces', { name }),
    onSuccess: async (ws) => {
      await onCreated(ws);
      setName('');
      setOpen(false);
    },
  });
  // Closed either way (Cancel, Escape, created), it opens again without the last refusal.
  const setOpen = (o: boolean) => {
    if (!o) create.reset();
    onOpenChange(o);
  };
  const failed = create.error;
  const error =
    failed instanceof ApiError
      ? (failed.fieldErrors().name ?? failed.message)
      : failed
        ? 'Could not create the workspace: try again.'
        : undefined;
  return (
    <Modal open={open} onOpenChange={setOpen} title="New workspace">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        className="space-y-4"
      >
        <Field
          label="Workspace name"
          htmlFor="new-workspace-name"
          help="One per client or team, e.g. Acme Dental. Its flows, numbers, contacts, webhooks, API keys and members are its own; you are its owner."
          error={error}
        >
          <Input
            id="new-workspace-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-describedby={hintId('new-workspace-name')}
            aria-invalid={error ? true : undefined}
            maxLength={100}
            autoFocus
          />
        </Field>
        <FormActions
          onCancel={() => setOpen(false)}
          label="Create"
          busy={create.isPending}
          busyLabel="Creating…"
        />
      </form>
    </Modal>
  );
}
