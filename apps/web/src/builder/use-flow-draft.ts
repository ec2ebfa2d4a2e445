// A flow's draft as the builder edits it: loaded with its ETag, every edit through `change`
// (undo history, declared variables), autosaved with If-Match (a 409 is the conflict notice),
// and the validator's problems from each save.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, request } from '../api.ts';
import { useToast } from '../components/ui.tsx';
import { useWs } from '../session.tsx';
import { withDeclaredVariables, type FlowConfig } from './graph.ts';
import { UndoHistory } from './undo-history.ts';

export interface FlowError {
  code: string;
  nodeId?: string;
  field?: string;
  message: string;
}
export type SaveState = 'saved' | 'saving' | 'unsaved' | 'conflict' | 'error';

export function useFlowDraft(flowId: string) {
  const ws = useWs();
  const toast = useToast();
  const [name, setName] = useState('');
  const [config, setConfig] = useState<FlowConfig | null>(null);
  const [errors, setErrors] = useState<FlowError[]>([]);
  const [save, setSave] = useState<SaveState>('saved');
  const etag = useRef('');
  const [history] = useState(() => new UndoHistory<FlowConfig>());
  const dirty = useRef(false);
  /** Variables the admin declared (loaded, or typed in the flow settings); the rest follow the blocks. */
  const kept = useRef(new Set<string>());

  const load = useCallback(async () => {
    const r = await request<{ name: string; draft: FlowConfig }>('GET', `${ws}/flows/${flowId}`);
    etag.current = r.headers.get('etag') ?? '';
    setName(r.data.name);
    kept.current = new Set((r.data.draft.variables ?? []).map((v) => v.name));
    setConfig({
      ...r.data.draft,
      nodes: r.data.draft.nodes ?? [],
      triggers: r.data.draft.triggers ?? [],
      variables: r.data.draft.variables ?? [],
    });
    setSave('saved');
    const v = await api.post<{ errors: FlowError[] }>(`${ws}/flows/${flowId}/validate`);
    setErrors(v.errors);
  }, [ws, flowId]);

  useEffect(() => {
    load().catch((err: unknown) =>
      toast('bad', err instanceof ApiError ? err.message : 'Could not load the flow.'),
    );
  }, [load, toast]);

  /** Every edit goes through here: undo history, then autosave. */
  const change = useCallback(
    (edited: FlowConfig) => {
      const next = withDeclaredVariables(edited, kept.current);
      setConfig((prev) => {
        if (prev) history.record(prev);
        return next;
      });
      dirty.current = true;
      setSave('unsaved');
    },
    [history],
  );

  /** An edit to the variables the admin declares (the flow settings), kept as they typed them. */
  const declare = useCallback(
    (edited: FlowConfig) => {
      kept.current = new Set(edited.variables.map((v) => v.name));
      change(edited);
    },
    [change],
  );

  // Autosave 800 ms after the last edit, with the ETag we loaded (409 → the conflict notice).
  useEffect(() => {
    if (!config || !dirty.current || save === 'conflict') return;
    const t = setTimeout(() => {
      dirty.current = false;
      setSave('saving');
      request<{ revision: number; errors: FlowError[] }>(
        'PUT',
        `${ws}/flows/${flowId}/draft`,
        config,
        { 'if-match': etag.current },
      )
        .then((r) => {
          etag.current = r.headers.get('etag') ?? etag.current;
          setErrors(r.data.errors);
          setSave(dirty.current ? 'unsaved' : 'saved');
        })
        .catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 409) setSave('conflict');
          else {
            setSave('error');
            toast(
              'bad',
              err instanceof ApiError
                ? err.message
                : 'Saving failed: check your connection; your changes are kept here.',
            );
          }
        });
    }, 800);
    return () => clearTimeout(t);
  }, [config, save, ws, flowId, toast]);

  const restore = useCallback(
    (pick: (current: FlowConfig) => FlowConfig | undefined) => {
      if (!config) return;
      const other = pick(config);
      if (!other) return;
      setConfig(other);
      dirty.current = true;
      setSave('unsaved');
    },
    [config],
  );
  const undo = useCallback(() => restore((c) => history.undo(c)), [restore, history]);
  const redo = useCallback(() => restore((c) => history.redo(c)), [restore, history]);

  /** `setConfig` shows a config without recording or saving it (a block being dragged). */
  return { name, config, setConfig, errors, save, load, change, declare, undo, redo };
}
