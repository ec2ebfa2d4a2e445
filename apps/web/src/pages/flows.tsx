// The flows of the workspace: open one in the builder, create one (blank or from a template),
// import one (an export or a bare flow config), and per flow rename, duplicate, export and
// delete (editors).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, ApiError, download } from '../api.ts';
import { flowTemplates } from '@waflow/flow/templates';
import { Badge, Button, Card, cx, Empty, Field, Input, Modal, Spinner, useToast } from '../components/ui.tsx';
import type { FlowConfig } from '../builder/graph.ts';
import { tidyPositions } from '../builder/layout.ts';
import { Link, navigate } from '../router.tsx';
import { parseFlowFile } from './flow-file.ts';
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
  const fileInput = useRef<HTMLInputElement>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: [ws, 'flows'] });
  const fail = (fallback: string) => (err: unknown) => toast('bad', err instanceof ApiError ? err.message : fallback);
  const [templateId, setTemplateId] = useState('');
  const create = useMutation({
    mutationFn: () => {
      const t = flowTemplates.find((x) => x.id === templateId);
      const flowName = name.trim() || t?.name || '';
      // A new flow's `now` is the admin's local time (changeable in its conversation settings).
      const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      return api.post<{ id: string }>(`${ws}/flows`, t ? { name: flowName, config: fromTemplate(t.config, flowName, timezone) } : { name: flowName, ...(timezone ? { timezone } : {}) });
    },
    onSuccess: (f) => {
      refresh();
      navigate(`/flows/${f.id}`);
    },
    onError: fail('Could not create the flow.'),
  });
  const importFile = async (file: File) => {
    const parsed = parseFlowFile(await file.text(), file.name);
    if (typeof parsed === 'string') return toast('bad', parsed);
    const r = await api.post<{ id: string; errors: unknown[] }>(`${ws}/flows/import`, parsed).catch(fail('Could not import the flow.'));
    if (!r) return;
    refresh();
    toast(r.errors.length ? 'bad' : 'good', r.errors.length ? `Imported as a draft, with ${r.errors.length} problem${r.errors.length > 1 ? 's' : ''} to fix before publishing.` : 'Imported as a draft.');
    navigate(`/flows/${r.id}`);
  };
  return (
    <Page
      title="Flows"
      actions={
        can('editor') ? (
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => fileInput.current?.click()}>Import</Button>
            <input ref={fileInput} type="file" accept=".json,application/json" className="hidden" aria-label="Flow file to import" onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void importFile(f); }} />
            <Button onClick={() => setOpen(true)}>New flow</Button>
          </div>
        ) : null
      }
    >
      {flows.isLoading ? (
        <Spinner />
      ) : !flows.data?.items.length ? (
        <Empty title="No flows yet">{can('editor') ? 'Create your first flow: a welcome message and a question or two is a good start. Or import one exported from waflow.' : 'An editor of this workspace can create one.'}</Empty>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {flows.data.items.map((f) => <FlowCard key={f.id} flow={f} editable={can('editor')} onChanged={refresh} onError={fail} />)}
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
          <fieldset className="space-y-1.5">
            <legend className="mb-1 text-sm font-medium">Start from</legend>
            {[{ id: '', name: 'A blank flow', description: 'A welcome message to build on.' }, ...flowTemplates].map((t) => (
              <label key={t.id} className={cx('flex cursor-pointer gap-2 rounded-md border p-2 text-sm', templateId === t.id ? 'border-brand bg-brand/5' : 'border-line')}>
                <input type="radio" name="template" value={t.id} checked={templateId === t.id} onChange={() => setTemplateId(t.id)} className="mt-1" />
                <span>
                  <span className="block font-medium">{t.name}</span>
                  <span className="block text-xs text-muted">{t.description}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <Field label="Name" htmlFor="flow-name" help="What the bot does, e.g. Lead capture. Empty: the template's name."><Input id="flow-name" value={name} onChange={(e) => setName(e.target.value)} required={templateId === ''} autoFocus /></Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>Cancel</Button>
            <Button type="submit" disabled={create.isPending}>Create</Button>
          </div>
        </form>
      </Modal>
    </Page>
  );
}

function FlowCard({ flow: f, editable, onChanged, onError }: { flow: FlowRow; editable: boolean; onChanged: () => void; onError: (fallback: string) => (err: unknown) => void }) {
  const ws = useWs();
  const toast = useToast();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [newName, setNewName] = useState(f.name);
  const duplicate = async () => {
    const exported = await api.get<{ name: string; config: Record<string, unknown> }>(`${ws}/flows/${f.id}/export`).catch(onError('Could not read the flow.'));
    if (!exported) return;
    const copy = await api.post<{ id: string }>(`${ws}/flows/import`, { name: `${f.name} (copy)`.slice(0, 120), config: exported.config }).catch(onError('Could not duplicate the flow.'));
    if (!copy) return;
    toast('good', `Duplicated as “${f.name} (copy)”, a draft.`);
    onChanged();
  };
  return (
    <Card className="flex flex-col transition-shadow hover:shadow-md" data-testid={`flow-${f.name}`}>
      <Link to={`/flows/${f.id}`} className="block flex-1 p-4">
        <div className="flex items-start justify-between gap-2">
          <h2 className="font-medium">{f.name}</h2>
          {f.publishedVersionId ? <Badge tone="good">Published</Badge> : <Badge>Draft</Badge>}
        </div>
        <p className="mt-2 text-xs text-muted">Changed {new Date(f.updatedAt).toLocaleString()}</p>
      </Link>
      {editable ? (
        <div className="flex flex-wrap gap-1 border-t border-line px-2 py-1.5">
          <Button size="sm" variant="ghost" onClick={() => setRenaming(true)}>Rename</Button>
          <Button size="sm" variant="ghost" onClick={() => void duplicate()}>Duplicate</Button>
          <Button size="sm" variant="ghost" onClick={() => void download(`${ws}/flows/${f.id}/export`).catch(onError('Could not export the flow.'))}>Export</Button>
          <Button size="sm" variant="ghost" className="ml-auto text-danger" onClick={() => setDeleting(true)}>Delete</Button>
        </div>
      ) : null}
      <Modal open={renaming} onOpenChange={setRenaming} title={`Rename ${f.name}`}>
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void api.patch(`${ws}/flows/${f.id}`, { name: newName }).then(() => {
              setRenaming(false);
              onChanged();
            }, onError('Could not rename the flow.'));
          }}
        >
          <Field label="New name" htmlFor={`rename-${f.id}`}><Input id={`rename-${f.id}`} value={newName} onChange={(e) => setNewName(e.target.value)} required autoFocus /></Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setRenaming(false)}>Cancel</Button>
            <Button type="submit">Rename</Button>
          </div>
        </form>
      </Modal>
      <Modal open={deleting} onOpenChange={setDeleting} title={`Delete ${f.name}?`}>
        <p className="mb-4 text-sm">Numbers answering with this flow stop answering until you give them another one. Conversations already running on it finish; its conversations and results stay.</p>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setDeleting(false)}>Cancel</Button>
          <Button variant="danger" onClick={() => void api.del(`${ws}/flows/${f.id}`).then(() => { setDeleting(false); onChanged(); }, onError('Could not delete the flow.'))}>Delete</Button>
        </div>
      </Modal>
    </Card>
  );
}

/**
 * A template's config for a new flow: named as the admin chose, in their time zone unless the
 * template sets one, laid out when it has no positions.
 */
function fromTemplate(config: Record<string, unknown>, name: string, timezone: string | undefined): Record<string, unknown> {
  const c = structuredClone(config) as FlowConfig;
  const positions = c.ui?.positions;
  if (!positions || Object.keys(positions).length === 0) c.ui = { ...c.ui, positions: tidyPositions(c) };
  const settings = (c.settings ?? {}) as Record<string, unknown>;
  if (timezone && settings.timezone === undefined) c.settings = { ...settings, timezone };
  return { ...c, name };
}
