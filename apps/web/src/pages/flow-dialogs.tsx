// A flow card's dialogs: renaming the flow, and deleting it (after saying what that stops).
import { useState } from 'react';
import { api } from '../api.ts';
import { Button, Field, FormActions, Input, Modal } from '../components/ui.tsx';
import { useWs } from '../session.tsx';

interface FlowDialogProps {
  flow: { id: string; name: string };
  open: boolean;
  onOpenChange: (o: boolean) => void;
  onChanged: () => void;
  onError: (fallback: string) => (err: unknown) => void;
}

export function RenameFlowDialog({
  flow: f,
  open,
  onOpenChange,
  onChanged,
  onError,
}: FlowDialogProps) {
  const ws = useWs();
  const [newName, setNewName] = useState(f.name);
  return (
    <Modal open={open} onOpenChange={onOpenChange} title={`Rename ${f.name}`}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          void api.patch(`${ws}/flows/${f.id}`, { name: newName }).then(() => {
            onOpenChange(false);
            onChanged();
          }, onError('Could not rename the flow.'));
        }}
      >
        <Field label="New name" htmlFor={`rename-${f.id}`}>
          <Input
            id={`rename-${f.id}`}
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            required
            autoFocus
          />
        </Field>
        <FormActions onCancel={() => onOpenChange(false)} label="Rename" />
      </form>
    </Modal>
  );
}

export function DeleteFlowDialog({
  flow: f,
  open,
  onOpenChange,
  onChanged,
  onError,
}: FlowDialogProps) {
  const ws = useWs();
  return (
    <Modal open={open} onOpenChange={onOpenChange} title={`Delete ${f.name}?`}>
      <p className="mb-4 text-sm">
        Numbers answering with this flow stop answering until you give them another one.
        Conversations already running on it finish; its conversations and results stay.
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={() => onOpenChange(false)}>
          Cancel
        </Button>
        <Button
          variant="danger"
          onClick={() =>
            void api.del(`${ws}/flows/${f.id}`).then(() => {
              onOpenChange(false);
              onChanged();
            }, onError('Could not delete the flow.'))
          }
        >
          Delete
        </Button>
      </div>
    </Modal>
  );
}
