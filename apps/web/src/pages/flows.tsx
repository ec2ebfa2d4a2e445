// The flows of the workspace: open one in the builder, create one (blank or from a template,
// new-flow-dialog.tsx), import one (an export or a bare flow config), and per flow rename,
// duplicate, export and delete (editors; flow-card.tsx).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Button, Empty, Spinner, useToast } from '../components/ui.tsx';
import { navigate } from '../router.tsx';
import { FlowCard, type FlowRow } from './flow-card.tsx';
import { parseFlowFile } from './flow-file.ts';
import { NewFlowDialog } from './new-flow-dialog.tsx';
import { useSession, useWs } from '../session.tsx';
import { Page } from '../shell.tsx';

export function FlowsPage() {
  const ws = useWs();
  const { can } = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const flows = useQuery({
    queryKey: [ws, 'flows'],
    queryFn: () => api.get<{ items: FlowRow[] }>(`${ws}/flows?limit=100`),
  });
  const [open, setOpen] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: [ws, 'flows'] });
  const fail = (fallback: string) => (err: unknown) =>
    toast('bad', err instanceof ApiError ? err.message : fallback);
  const importFile = async (file: File) => {
    const parsed = parseFlowFile(await file.text(), file.name);
    if (typeof parsed === 'string') return toast('bad', parsed);
    const r = await api
      .post<{ id: string; errors: unknown[] }>(`${ws}/flows/import`, parsed)
      .catch(fail('Could not import the flow.'));
    if (!r) return;
    refresh();
    toast(
      r.errors.length ? 'bad' : 'good',
      r.errors.length
        ? `Imported as a draft, with ${r.errors.length} problem${r.errors.length > 1 ? 's' : ''} to fix before publishing.`
        : 'Imported as a draft.',
    );
    navigate(`/flows/${r.id}`);
  };
  return (
    <Page
      title="Flows"
      actions={
        can('editor') ? (
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => fileInput.current?.click()}>
              Import
            </Button>
            <input
              ref={fileInput}
              type="file"
              accept=".json,application/json"
              className="hidden"
              aria-label="Flow file to import"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void importFile(f);
              }}
            />
            <Button onClick={() => setOpen(true)}>New flow</Button>
          </div>
        ) : null
      }
    >
      {flows.isLoading ? (
        <Spinner />
      ) : !flows.data?.items.length ? (
        <Empty title="No flows yet">
          {can('editor')
            ? 'Create your first flow: a welcome message and a question or two is a good start. Or import one exported from waflow.'
            : 'An editor of this workspace can create one.'}
        </Empty>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {flows.data.items.map((f) => (
            <FlowCard
              key={f.id}
              flow={f}
              editable={can('editor')}
              onChanged={refresh}
              onError={fail}
            />
          ))}
        </div>
      )}
      <NewFlowDialog open={open} onOpenChange={setOpen} onCreated={refresh} onError={fail} />
    </Page>
  );
}
