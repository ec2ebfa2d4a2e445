// One flow in the flow list: its name and state, opening it in the builder, and for editors
// rename, duplicate, export and delete.
import { useState } from 'react';
import { api, download } from '../api.ts';
import { Badge, Button, Card, useToast } from '../components/ui.tsx';
import { Link } from '../router.tsx';
import { useWs } from '../session.tsx';
import { DeleteFlowDialog, RenameFlowDialog } from './flow-dialogs.tsx';

export interface FlowRow {
  id: string;
  name: string;
  revision: number;
  publishedVersionId: string | null;
  updatedAt: string;
}

export function FlowCard({
  flow: f,
  editable,
  onChanged,
  onError,
}: {
  flow: FlowRow;
  editable: boolean;
  onChanged: () => void;
  onError: (fallback: string) => (err: unknown) => void;
}) {
  const ws = useWs();
  const toast = useToast();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const duplicate = async () => {
    const exported = await api
      .get<{ name: string; config: Record<string, unknown> }>(`${ws}/flows/${f.id}/export`)
      .catch(onError('Could not read the flow.'));
    if (!exported) return;
    const copy = await api
      .post<{ id: string }>(`${ws}/flows/import`, {
        name: `${f.name} (copy)`.slice(0, 120),
        config: exported.config,
      })
      .catch(onError('Could not duplicate the flow.'));
    if (!copy) return;
    toast('good', `Duplicated as “${f.name} (copy)”, a draft.`);
    onChanged();
  };
  return (
    <Card
      className="flex flex-col transition-shadow hover:shadow-md"
      data-testid={`flow-${f.name}`}
    >
      <Link to={`/flows/${f.id}`} className="block flex-1 p-4">
        <div className="flex items-start justify-between gap-2">
          <h2 className="font-medium">{f.name}</h2>
          {f.publishedVersionId ? <Badge tone="good">Published</Badge> : <Badge>Draft</Badge>}
        </div>
        <p className="mt-2 text-xs text-muted">Changed {new Date(f.updatedAt).toLocaleString()}</p>
      </Link>
      {editable ? (
        <div className="flex flex-wrap gap-1 border-t border-line px-2 py-1.5">
          <Button size="sm" variant="ghost" onClick={() => setRenaming(true)}>
            Rename
          </Button>
          <Button size="sm" variant="ghost" onClick={() => void duplicate()}>
            Duplicate
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() =>
              void download(`${ws}/flows/${f.id}/export`).catch(
                onError('Could not export the flow.'),
              )
            }
          >
            Export
          </Button>
          <Button
            size="sm"
            variant="ghost"
            className="ml-auto text-danger"
            onClick={() => setDeleting(true)}
          >
            Delete
          </Button>
        </div>
      ) : null}
      <RenameFlowDialog
        flow={f}
        open={renaming}
        onOpenChange={setRenaming}
        onChanged={onChanged}
        onError={onError}
      />
      <DeleteFlowDialog
        flow={f}
        open={deleting}
        onOpenChange={setDeleting}
        onChanged={onChanged}
        onError={onError}
      />
    </Card>
  );
}
