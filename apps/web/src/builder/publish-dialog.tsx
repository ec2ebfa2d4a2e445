// Publishing the saved draft as a new version, with a one-line changelog.
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Button, Field, Input, Modal, useToast } from '../components/ui.tsx';
import { useWs } from '../session.tsx';

export function PublishDialog({
  open,
  onOpenChange,
  flowId,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  flowId: string;
}) {
  const ws = useWs();
  const toast = useToast();
  const [changelog, setChangelog] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Publish this flow">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          api
            .post<{ version: number; warnings?: { message: string }[] }>(
              `${ws}/flows/${flowId}/publish`,
              { changelog },
            )
            .then((v) => {
              toast('good', `Version ${v.version} is live: new conversations use it now.`);
              // Published all the same: what may not work as drawn (a literal internal address).
              for (const w of v.warnings ?? []) toast('bad', w.message);
              onOpenChange(false);
              setChangelog('');
            })
            .catch((err: unknown) =>
              toast('bad', err instanceof ApiError ? err.message : 'Publishing failed.'),
            )
            .finally(() => setBusy(false));
        }}
      >
        <Field
          label="What changed?"
          htmlFor="changelog"
          help="One line for the version history, e.g. Asks for the email first."
        >
          <Input
            id="changelog"
            value={changelog}
            onChange={(e) => setChangelog(e.target.value)}
            autoFocus
          />
        </Field>
        <p className="text-sm text-muted">
          Conversations in progress finish on the version they started with.
        </p>
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy}>
            Publish
          </Button>
        </div>
      </form>
    </Modal>
  );
}
