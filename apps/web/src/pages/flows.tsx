// The flows of the workspace: open one in the builder, create one, import one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Badge, Button, Card, Empty, Field, Input, Modal, Spinner, useToast } from '../components/ui.tsx';
import { Link, navigate } from '../router.tsx';
import { useSession, useWs } from '../session.tsx';
import { Page } from '../shell.tsx';

interface FlowRow {
  id: string;
  name: string;
  revision: number;
  publishedVersionId: string | null;
  updatedAt: string;
}

export function FlowsPage() {
  const ws = useWs();
  const { can } = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const flows = useQuery({ queryKey: [ws, 'flows'], queryFn: () => api.get<{ items: FlowRow[] }>(`${ws}/flows?limit=100`) });
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api.post<{ id: string }>(`${ws}/flows`, { name }),
    onSuccess: (f) => {
      void qc.invalidateQueries({ queryKey: [ws, 'flows'] });
      navigate(`/flows/${f.id}`);
    },
    onError: (err) => toast('bad', err instanceof ApiError ? err.message : 'Could not create the flow.'),
  });
  return (
    <Page title="Flows" actions={can('editor') ? <Button onClick={() => setOpen(true)}>New flow</Button> : null}>
      {flows.isLoading ? (
        <Spinner />
      ) : !flows.data?.items.length ? (
        <Empty title="No flows yet">{can('editor') ? 'Create your first flow: a welcome message and a question or two is a good start.' : 'An editor of this workspace can create one.'}</Empty>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {flows.data.items.map((f) => (
            <Link key={f.id} to={`/flows/${f.id}`} className="block">
              <Card className="p-4 transition-shadow hover:shadow-md">
                <div className="flex items-start justify-between gap-2">
                  <h2 className="font-medium">{f.name}</h2>
                  {f.publishedVersionId ? <Badge tone="good">Published</Badge> : <Badge>Draft</Badge>}
                </div>
                <p className="mt-2 text-xs text-muted">Changed {new Date(f.updatedAt).toLocaleString()}</p>
              </Card>
            </Link>
          ))}
        </div>
      )}
      <Modal open={open} onOpenChange={setOpen} title="New flow">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
          className="space-y-4"
        >
          <Field label="Name" htmlFor="flow-name" help="What the bot does, e.g. Lead capture."><Input id="flow-name" value={name} onChange={(e) => setName(e.target.value)} required autoFocus /></Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>Cancel</Button>
            <Button type="submit" disabled={create.isPending}>Create</Button>
          </div>
        </form>
      </Modal>
    </Page>
  );
}
