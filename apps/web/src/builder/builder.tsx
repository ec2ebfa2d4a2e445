// The flow builder: a React Flow canvas (blocks dragged from the palette, edges drawn from a
// block's outputs), an inspector generated from the block's schema, problems pinned on the
// blocks, autosave with If-Match (a conflict notice when someone else saved), undo/redo,
// copy/paste, publish with a changelog, version history with rollback, preview and simulator.
import { Background, Controls, Handle, Position, ReactFlow, ReactFlowProvider, useReactFlow, type Connection, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { blockSchemas, blockTypes, flowSchema } from '@waflow/flow/schemas';
import { api, ApiError, request } from '../api.ts';
import { Badge, Button, cx, Field, Input, Modal, Spinner, useToast } from '../components/ui.tsx';
import { Link } from '../router.tsx';
import { useSession, useWs } from '../session.tsx';
import { BLOCK_DEFAULTS, getPath, newId, portsOf, removeNode, setPath, summary, withDeclaredVariables, type FlowConfig, type Json } from './graph.ts';
import { START_ID, tidyPositions } from './layout.ts';
import { Preview } from './preview.tsx';
import { blockSchema, SchemaForm, type FormContext } from './schema-form.tsx';
import { Simulator } from './simulator.tsx';

interface FlowError {
  code: string;
  nodeId?: string;
  field?: string;
  message: string;
}
type SaveState = 'saved' | 'saving' | 'unsaved' | 'conflict' | 'error';

const blockName = (type: string) => ((blockSchemas as Record<string, Json>)[type]?.['x-ui'] as { name?: string } | undefined)?.name ?? type;
const blockCategory = (type: string) => ((blockSchemas as Record<string, Json>)[type]?.['x-ui'] as { category?: string } | undefined)?.category ?? 'Other';

interface BlockData extends Record<string, unknown> {
  node: Json;
  errors: FlowError[];
}

function BlockNode({ data, selected }: NodeProps<Node<BlockData>>) {
  const ports = portsOf(data.node);
  const type = String(data.node.type);
  return (
    <div data-testid={`block-${String(data.node.id)}`} className={cx('w-56 rounded-lg border bg-panel text-fg shadow-sm', data.errors.length ? 'border-danger' : selected ? 'border-brand' : 'border-line')}>
      <Handle type="target" position={Position.Top} className="!h-3 !w-3 !bg-muted" />
      <div className="border-b border-line px-3 py-1.5 text-xs text-muted">{blockName(type)} · {String(data.node.id)}</div>
      <div className="px-3 py-2 text-sm">{String(data.node.label ?? '') || summary(data.node) || <span className="text-muted">—</span>}</div>
      {data.errors.length ? (
        <ul className="border-t border-danger/30 bg-red-50 px-3 py-1.5 text-xs text-danger dark:bg-red-950/40" role="alert">
          {data.errors.map((e, i) => <li key={i}>{e.message}</li>)}
        </ul>
      ) : null}
      {ports.length ? (
        <div className="flex justify-around gap-1 border-t border-line px-1 pt-1 pb-3 text-[10px] text-muted">
          {ports.map((p) => (
            <div key={p.field} className="relative flex flex-col items-center">
              <span className="max-w-20 truncate">{p.label}</span>
              <Handle id={p.field} type="source" position={Position.Bottom} className="!-bottom-3 !h-3 !w-3 !bg-brand" />
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}

function StartNode({ data }: NodeProps<Node<{ triggers: Json[] }>>) {
  const describe = (t: Json) => (t.type === 'keyword' ? `says ${(t.keywords as string[] | undefined)?.join(', ') ?? ''}` : t.type === 'any' ? 'any message' : t.type === 'first_message' ? 'first message' : t.type === 'regex' ? `matches ${String(t.pattern)}` : t.type === 'api' ? 'started by the API' : String(t.type));
  return (
    <div className="w-56 rounded-lg border-2 border-brand bg-panel px-3 py-2 text-sm shadow-sm">
      <div className="font-medium text-brand">Start</div>
      <div className="text-xs text-muted">When a contact {data.triggers.map(describe).join(' · ') || '…'}</div>
      <Handle id="start" type="source" position={Position.Bottom} className="!h-3 !w-3 !bg-brand" />
    </div>
  );
}

const nodeTypes = { block: BlockNode, start: StartNode };

export function Builder({ flowId }: { flowId: string }) {
  return (
    <ReactFlowProvider>
      <BuilderInner flowId={flowId} />
    </ReactFlowProvider>
  );
}

function BuilderInner({ flowId }: { flowId: string }) {
  const ws = useWs();
  const { can } = useSession();
  const editable = can('editor');
  const toast = useToast();
  const rf = useReactFlow();
  const [name, setName] = useState('');
  const [config, setConfig] = useState<FlowConfig | null>(null);
  const [errors, setErrors] = useState<FlowError[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [save, setSave] = useState<SaveState>('saved');
  const [panel, setPanel] = useState<'inspect' | 'preview' | 'simulator'>('inspect');
  const [publishOpen, setPublishOpen] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const etag = useRef('');
  const history = useRef<{ past: FlowConfig[]; future: FlowConfig[] }>({ past: [], future: [] });
  const clipboard = useRef<Json | null>(null);
  const dirty = useRef(false);
  /** Variables the admin declared (loaded, or typed in the flow settings); the rest follow the blocks. */
  const kept = useRef(new Set<string>());

  const load = useCallback(async () => {
    const r = await request<{ name: string; draft: FlowConfig }>('GET', `${ws}/flows/${flowId}`);
    etag.current = r.headers.get('etag') ?? '';
    setName(r.data.name);
    kept.current = new Set((r.data.draft.variables ?? []).map((v) => v.name));
    setConfig({ ...r.data.draft, nodes: r.data.draft.nodes ?? [], triggers: r.data.draft.triggers ?? [], variables: r.data.draft.variables ?? [] });
    setSave('saved');
    const v = await api.post<{ errors: FlowError[] }>(`${ws}/flows/${flowId}/validate`);
    setErrors(v.errors);
  }, [ws, flowId]);

  useEffect(() => {
    load().catch((err: unknown) => toast('bad', err instanceof ApiError ? err.message : 'Could not load the flow.'));
  }, [load, toast]);

  /** Every edit goes through here: undo history, then autosave. */
  const change = useCallback((edited: FlowConfig) => {
    const next = withDeclaredVariables(edited, kept.current);
    setConfig((prev) => {
      if (prev) history.current = { past: [...history.current.past.slice(-99), prev], future: [] };
      return next;
    });
    dirty.current = true;
    setSave('unsaved');
  }, []);

  // Autosave 800 ms after the last edit, with the ETag we loaded (409 → the conflict notice).
  useEffect(() => {
    if (!config || !dirty.current || save === 'conflict') return;
    const t = setTimeout(() => {
      dirty.current = false;
      setSave('saving');
      request<{ revision: number; errors: FlowError[] }>('PUT', `${ws}/flows/${flowId}/draft`, config, { 'if-match': etag.current })
        .then((r) => {
          etag.current = r.headers.get('etag') ?? etag.current;
          setErrors(r.data.errors);
          setSave(dirty.current ? 'unsaved' : 'saved');
        })
        .catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 409) setSave('conflict');
          else {
            setSave('error');
            toast('bad', err instanceof ApiError ? err.message : 'Saving failed: check your connection; your changes are kept here.');
          }
        });
    }, 800);
    return () => clearTimeout(t);
  }, [config, save, ws, flowId, toast]);

  const undo = useCallback(() => {
    const h = history.current;
    const prev = h.past.pop();
    if (!prev || !config) return;
    h.future.push(config);
    setConfig(prev);
    dirty.current = true;
    setSave('unsaved');
  }, [config]);
  const redo = useCallback(() => {
    const h = history.current;
    const next = h.future.pop();
    if (!next || !config) return;
    h.past.push(config);
    setConfig(next);
    dirty.current = true;
    setSave('unsaved');
  }, [config]);

  const addBlock = useCallback(
    (type: string, position: { x: number; y: number }, from?: Json) => {
      if (!config) return;
      const id = newId(config, type);
      const node = from ? { ...from, id } : (BLOCK_DEFAULTS[type]?.(id) ?? { id, type });
      const positions = { ...(config.ui?.positions ?? {}), [id]: position };
      change({ ...config, start: config.start || id, nodes: [...config.nodes, node], ui: { ...config.ui, positions } });
      setSelected(id);
      setPanel('inspect');
    },
    [config, change],
  );

  // Keyboard: undo/redo, copy/paste, delete.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || !editable || !config) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) redo();
        else undo();
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        redo();
      } else if (mod && e.key.toLowerCase() === 'c' && selected) {
        clipboard.current = config.nodes.find((n) => n.id === selected) ?? null;
      } else if (mod && e.key.toLowerCase() === 'v' && clipboard.current) {
        const p = config.ui?.positions?.[String(clipboard.current.id)] ?? { x: 0, y: 0 };
        addBlock(String(clipboard.current.type), { x: p.x + 40, y: p.y + 40 }, clipboard.current);
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && selected) {
        change(removeNode(config, selected));
        setSelected(null);
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [config, selected, editable, undo, redo, addBlock, change]);

  // The sizes React Flow measured, kept with the nodes (it reports them as 'dimensions' changes):
  // the nodes below are rebuilt from the config on every change, and a rebuilt node without its
  // size stays hidden until its size changes again (a viewer's nodes, rebuilt when the problems
  // arrive, never change size).
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const nodes = useMemo<Node[]>(() => {
    if (!config) return [];
    const pos = config.ui?.positions ?? {};
    const size = (id: string) => (measured[id] ? { measured: measured[id] } : {});
    const start: Node = { id: START_ID, type: 'start', position: pos[START_ID] ?? { x: 0, y: -140 }, data: { triggers: config.triggers }, deletable: false, ...size(START_ID) };
    return [
      start,
      ...config.nodes.map((n, i): Node => ({
        id: String(n.id),
        type: 'block',
        position: pos[String(n.id)] ?? { x: (i % 3) * 280, y: Math.floor(i / 3) * 200 },
        data: { node: n, errors: errors.filter((e) => e.nodeId === n.id) },
        selected: selected === n.id,
        ...size(String(n.id)),
      })),
    ];
  }, [config, errors, selected, measured]);

  const edges = useMemo<Edge[]>(() => {
    if (!config) return [];
    const out: Edge[] = config.start ? [{ id: 'start', source: START_ID, sourceHandle: 'start', target: config.start, animated: true }] : [];
    for (const n of config.nodes) {
      for (const p of portsOf(n)) {
        const target = getPath(n, p.field);
        if (typeof target === 'string' && target) out.push({ id: `${String(n.id)}:${p.field}`, source: String(n.id), sourceHandle: p.field, target, label: p.label });
      }
    }
    return out;
  }, [config]);

  /** "Tidy up": every block laid out again (one undoable edit), then all of them in view. */
  const tidy = useCallback(() => {
    if (!config) return;
    const heights = Object.fromEntries(Object.entries(measured).map(([id, m]) => [id, m.height]));
    change({ ...config, ui: { ...config.ui, positions: tidyPositions(config, heights) } });
    requestAnimationFrame(() => void rf.fitView({ maxZoom: 1, duration: 200 }));
  }, [config, measured, change, rf]);

  const onConnect = useCallback(
    (c: Connection) => {
      if (!config || !c.target || c.target === START_ID) return;
      if (c.source === START_ID) return change({ ...config, start: c.target });
      change({ ...config, nodes: config.nodes.map((n) => (n.id === c.source && c.sourceHandle ? setPath(n, c.sourceHandle, c.target) : n)) });
    },
    [config, change],
  );

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const type = e.dataTransfer.getData('application/waflow-block');
    if (type) addBlock(type, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  if (!config) return <Spinner />;
  const node = config.nodes.find((n) => n.id === selected);
  const variables = [...new Set([...config.variables.map((v) => v.name), ...config.nodes.map((n) => n.saveAs).filter((v): v is string => typeof v === 'string'), 'contact'])];
  const flowErrors = errors.filter((e) => !e.nodeId);

  return (
    <div className="flex h-[calc(100vh-3.5rem)] flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-line bg-panel px-4 py-2">
        <Link to="/flows" className="text-sm text-muted hover:text-fg">Flows</Link>
        <span className="text-muted">/</span>
        <h1 className="font-semibold">{name}</h1>
        <span className="text-xs text-muted" data-testid="save-state" aria-live="polite">
          {save === 'saved' ? 'All changes saved' : save === 'saving' ? 'Saving…' : save === 'unsaved' ? 'Unsaved changes' : save === 'error' ? 'Not saved' : ''}
        </span>
        {errors.length ? <Badge tone="bad">{errors.length} problem{errors.length > 1 ? 's' : ''} to fix</Badge> : <Badge tone="good">Ready to publish</Badge>}
        <div className="ml-auto flex items-center gap-1.5">
          {editable ? (
            <>
              <Button variant="ghost" size="sm" onClick={undo} title="Undo (Ctrl+Z)">Undo</Button>
              <Button variant="ghost" size="sm" onClick={redo} title="Redo (Ctrl+Shift+Z)">Redo</Button>
              <Button variant="ghost" size="sm" onClick={tidy} title="Lay the blocks out in the order a conversation meets them (Undo puts them back)">Tidy up</Button>
            </>
          ) : null}
          <Button variant="secondary" size="sm" onClick={() => setHistoryOpen(true)}>History</Button>
          {editable ? <Button size="sm" onClick={() => setPublishOpen(true)} disabled={save !== 'saved' || errors.length > 0}>Publish</Button> : null}
        </div>
      </div>
      {save === 'conflict' ? (
        <div role="alert" className="flex items-center gap-3 bg-amber-100 px-4 py-2 text-sm text-amber-900 dark:bg-amber-900/40 dark:text-amber-200">
          Someone else saved this flow after you opened it. Reload to see their changes (yours since then are not saved).
          <Button size="sm" variant="secondary" onClick={() => void load()}>Reload</Button>
        </div>
      ) : null}
      {flowErrors.length ? (
        <ul role="alert" className="bg-red-50 px-4 py-1.5 text-sm text-danger dark:bg-red-950/40">
          {flowErrors.map((e, i) => <li key={i}>{e.message}</li>)}
        </ul>
      ) : null}
      <div className="flex min-h-0 flex-1">
        {editable ? (
          <aside className="w-36 shrink-0 space-y-3 overflow-y-auto border-r border-line bg-panel p-3 lg:w-44" aria-label="Blocks">
            <p className="text-xs text-muted">Drag a block onto the canvas.</p>
            {['Messages', 'Logic', 'Integrations', 'People'].map((cat) => (
              <div key={cat}>
                <h2 className="mb-1 text-xs font-semibold text-muted uppercase">{cat}</h2>
                {blockTypes
                  .filter((t) => blockCategory(t) === cat)
                  .map((t) => (
                    <div
                      key={t}
                      draggable
                      data-testid={`palette-${t}`}
                      onDragStart={(e) => {
                        e.dataTransfer.setData('application/waflow-block', t);
                        e.dataTransfer.effectAllowed = 'move';
                      }}
                      onDoubleClick={() => addBlock(t, { x: 40, y: 40 + config.nodes.length * 60 })}
                      className="mb-1 cursor-grab rounded-md border border-line px-2 py-1.5 text-sm hover:border-brand"
                    >
                      {blockName(t)}
                    </div>
                  ))}
              </div>
            ))}
          </aside>
        ) : null}
        <div className="relative min-w-0 flex-1" onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-testid="canvas">
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onConnect={editable ? onConnect : undefined}
            nodesDraggable={editable}
            nodesConnectable={editable}
            onNodeClick={(_, n) => {
              setSelected(n.id === START_ID ? null : n.id);
              setPanel('inspect');
            }}
            onPaneClick={() => setSelected(null)}
            onNodeDragStop={(_, n) => editable && change({ ...config, ui: { ...config.ui, positions: { ...(config.ui?.positions ?? {}), [n.id]: n.position } } })}
            onNodesChange={(changes) => {
              // Live dragging moves the node on screen; the position is saved on drag stop.
              for (const c of changes) if (c.type === 'position' && c.position && c.dragging) setConfig({ ...config, ui: { ...config.ui, positions: { ...(config.ui?.positions ?? {}), [c.id]: c.position } } });
              const sized = changes.flatMap((c) => (c.type === 'dimensions' && c.dimensions ? [[c.id, c.dimensions] as const] : []));
              if (sized.length > 0) setMeasured((prev) => ({ ...prev, ...Object.fromEntries(sized) }));
            }}
            onEdgesDelete={(deleted) => {
              if (!editable) return;
              let next = config;
              for (const e of deleted) {
                if (e.source === START_ID) continue;
                next = { ...next, nodes: next.nodes.map((n) => (n.id === e.source && e.sourceHandle ? setPath(n, e.sourceHandle, e.sourceHandle.endsWith('].next') ? '' : undefined) : n)) };
              }
              change(next);
            }}
            deleteKeyCode={null}
            fitView
            fitViewOptions={{ maxZoom: 1 }}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls />
          </ReactFlow>
        </div>
        <aside className="flex w-80 shrink-0 flex-col border-l border-line bg-panel xl:w-96" aria-label="Side panel">
          <div className="flex border-b border-line" role="tablist">
            {(['inspect', 'preview', 'simulator'] as const).map((p) => (
              <button key={p} role="tab" aria-selected={panel === p} onClick={() => setPanel(p)} className={cx('flex-1 py-2 text-sm', panel === p ? 'border-b-2 border-brand font-medium' : 'text-muted')}>
                {p === 'inspect' ? 'Block' : p === 'preview' ? 'Preview' : 'Simulator'}
              </button>
            ))}
          </div>
          <div className="min-h-0 flex-1 overflow-y-auto p-4">
            {panel === 'preview' ? (
              <Preview config={config} />
            ) : panel === 'simulator' ? (
              <Simulator flowId={flowId} ready={save === 'saved' && errors.length === 0} />
            ) : node ? (
              <Inspector
                node={node}
                editable={editable}
                errors={errors.filter((e) => e.nodeId === node.id)}
                ctx={{ variables, nodeIds: config.nodes.map((n) => String(n.id)).filter((id) => id !== node.id) }}
                onChange={(n) => change({ ...config, nodes: config.nodes.map((x) => (x.id === node.id ? n : x)) })}
                onDelete={() => {
                  change(removeNode(config, String(node.id)));
                  setSelected(null);
                }}
              />
            ) : (
              <FlowSettings
                config={config}
                editable={editable}
                ctx={{ variables, nodeIds: config.nodes.map((n) => String(n.id)), errors: {}, onCanvas: false }}
                onChange={(c) => {
                  kept.current = new Set(c.variables.map((v) => v.name));
                  change(c);
                }}
              />
            )}
          </div>
        </aside>
      </div>
      <PublishDialog open={publishOpen} onOpenChange={setPublishOpen} flowId={flowId} />
      <HistoryDialog open={historyOpen} onOpenChange={setHistoryOpen} flowId={flowId} editable={editable} />
    </div>
  );
}

function Inspector({ node, editable, errors, ctx, onChange, onDelete }: { node: Json; editable: boolean; errors: FlowError[]; ctx: { variables: string[]; nodeIds: string[] }; onChange: (n: Json) => void; onDelete: () => void }) {
  const schema = blockSchema(String(node.type));
  const byField = Object.fromEntries(errors.filter((e) => e.field).map((e) => [String(e.field), e.message]));
  return (
    <div className="space-y-4">
      <div>
        <h2 className="font-semibold">{blockName(String(node.type))}</h2>
        <p className="text-xs text-muted">{String((schema?.description as string | undefined) ?? '')}</p>
      </div>
      {errors.length ? (
        <ul role="alert" className="rounded-md bg-red-50 p-2 text-sm text-danger dark:bg-red-950/40">
          {errors.map((e, i) => <li key={i}>{e.message}</li>)}
        </ul>
      ) : null}
      <fieldset disabled={!editable} className="space-y-3">
        {schema ? <SchemaForm schema={schema} value={node} onChange={onChange} ctx={{ ...ctx, errors: byField }} /> : null}
      </fieldset>
      {editable ? <Button variant="danger" size="sm" onClick={onDelete}>Delete block</Button> : null}
    </div>
  );
}

/** The flow's conversation settings (timeout, restart and stop words, fallback text…), a form from their schema. */
const settingsSchema = ((flowSchema as Json).$defs as Record<string, Json>).settings as Parameters<typeof SchemaForm>[0]['schema'];

function FlowSettings({ config, editable, ctx, onChange }: { config: FlowConfig; editable: boolean; ctx: FormContext; onChange: (c: FlowConfig) => void }) {
  const keywords = config.triggers.filter((t) => t.type === 'keyword').flatMap((t) => (t.keywords as string[] | undefined) ?? []);
  const any = config.triggers.some((t) => t.type === 'any');
  return (
    <fieldset disabled={!editable} className="space-y-4">
      <h2 className="font-semibold">When does this flow start?</h2>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={any} onChange={(e) => onChange({ ...config, triggers: e.target.checked ? [{ type: 'any' }] : keywords.length ? [{ type: 'keyword', match: 'contains', keywords }] : [] })} />
        On any message from a contact
      </label>
      {!any ? (
        <Field label="Keywords" htmlFor="kw" help="Comma-separated; matched ignoring case and accents.">
          <Input id="kw" defaultValue={keywords.join(', ')} onBlur={(e) => onChange({ ...config, triggers: [{ type: 'keyword', match: 'contains', keywords: e.target.value.split(',').map((k) => k.trim()).filter(Boolean) }] })} />
        </Field>
      ) : null}
      <Field label="Variables" htmlFor="vars" help="Names this flow collects, comma-separated (questions add theirs).">
        <Input id="vars" defaultValue={config.variables.map((v) => v.name).join(', ')} onBlur={(e) => onChange({ ...config, variables: e.target.value.split(',').map((n) => n.trim()).filter(Boolean).map((n) => ({ name: n, type: config.variables.find((v) => v.name === n)?.type ?? 'string' })) })} />
      </Field>
      <details className="rounded-md border border-line p-3" data-testid="flow-settings">
        <summary className="cursor-pointer text-sm font-medium">Conversation settings</summary>
        <div className="mt-3">
          <SchemaForm
            schema={settingsSchema}
            value={(config.settings ?? {}) as Json}
            ctx={ctx}
            onChange={(v) => onChange({ ...config, settings: Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== '' && !(Array.isArray(x) && x.length === 0))) })}
          />
        </div>
      </details>
      <p className="text-xs text-muted">Select a block to edit it. Keyboard: Ctrl+Z / Ctrl+Shift+Z undo and redo, Ctrl+C / Ctrl+V copy a block, Delete removes it.</p>
    </fieldset>
  );
}

function PublishDialog({ open, onOpenChange, flowId }: { open: boolean; onOpenChange: (o: boolean) => void; flowId: string }) {
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
            .post<{ version: number }>(`${ws}/flows/${flowId}/publish`, { changelog })
            .then((v) => {
              toast('good', `Version ${v.version} is live: new conversations use it now.`);
              onOpenChange(false);
              setChangelog('');
            })
            .catch((err: unknown) => toast('bad', err instanceof ApiError ? err.message : 'Publishing failed.'))
            .finally(() => setBusy(false));
        }}
      >
        <Field label="What changed?" htmlFor="changelog" help="One line for the version history, e.g. Asks for the email first.">
          <Input id="changelog" value={changelog} onChange={(e) => setChangelog(e.target.value)} autoFocus />
        </Field>
        <p className="text-sm text-muted">Conversations in progress finish on the version they started with.</p>
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" disabled={busy}>Publish</Button>
        </div>
      </form>
    </Modal>
  );
}

function HistoryDialog({ open, onOpenChange, flowId, editable }: { open: boolean; onOpenChange: (o: boolean) => void; flowId: string; editable: boolean }) {
  const ws = useWs();
  const toast = useToast();
  const [versions, setVersions] = useState<{ id: string; version: number; changelog: string; publishedAt: string }[] | null>(null);
  useEffect(() => {
    if (open) api.get<{ items: NonNullable<typeof versions> }>(`${ws}/flows/${flowId}/versions`).then((r) => setVersions(r.items), () => setVersions([]));
  }, [open, ws, flowId]);
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Version history">
      {!versions ? (
        <Spinner />
      ) : versions.length === 0 ? (
        <p className="text-sm text-muted">Not published yet.</p>
      ) : (
        <ul className="max-h-80 space-y-2 overflow-y-auto">
          {versions.map((v, i) => (
            <li key={v.id} className="flex items-center justify-between gap-2 rounded-md border border-line p-2 text-sm">
              <div>
                <div className="font-medium">Version {v.version} {i === 0 ? <Badge tone="good">live</Badge> : null}</div>
                <div className="text-xs text-muted">{v.changelog || 'No note'} · {new Date(v.publishedAt).toLocaleString()}</div>
              </div>
              {editable && i > 0 ? (
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() =>
                    api
                      .post<{ version: number }>(`${ws}/flows/${flowId}/rollback`, { version: v.version })
                      .then((r) => {
                        toast('good', `Version ${v.version} is live again (as version ${r.version}).`);
                        onOpenChange(false);
                      })
                      .catch((err: unknown) => toast('bad', err instanceof ApiError ? err.message : 'Rollback failed.'))
                  }
                >
                  Roll back to this
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
