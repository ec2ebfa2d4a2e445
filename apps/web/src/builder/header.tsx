// The builder's header: the flow's name, the save state, the problem count, the edit actions,
// history and publish; under it the conflict notice and the flow-wide problems.
import { Badge, Button } from '../components/ui.tsx';
import { Link } from '../router.tsx';
import type { FlowError, SaveState } from './use-flow-draft.ts';

export function Header({
  name,
  save,
  errors,
  editable,
  onUndo,
  onRedo,
  onTidy,
  onHistory,
  onPublish,
  onReload,
}: {
  name: string;
  save: SaveState;
  errors: FlowError[];
  editable: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onTidy: () => void;
  onHistory: () => void;
  onPublish: () => void;
  onReload: () => void;
}) {
  const flowErrors = errors.filter((e) => !e.nodeId);
  return (
    <>
      <div className="flex flex-wrap items-center gap-2 border-b border-line bg-panel px-4 py-2">
        <Link to="/flows" className="text-sm text-muted hover:text-fg">
          Flows
        </Link>
        <span className="text-muted">/</span>
        <h1 className="font-semibold">{name}</h1>
        <span className="text-xs text-muted" data-testid="save-state" aria-live="polite">
          {save === 'saved'
            ? 'All changes saved'
            : save === 'saving'
              ? 'Saving…'
              : save === 'unsaved'
                ? 'Unsaved changes'
                : save === 'error'
                  ? 'Not saved'
                  : ''}
        </span>
        {errors.length ? (
          <Badge tone="bad">
            {errors.length} problem{errors.length > 1 ? 's' : ''} to fix
          </Badge>
        ) : (
          <Badge tone="good">Ready to publish</Badge>
        )}
        <div className="ml-auto flex items-center gap-1.5">
          {editable ? (
            <>
              <Button variant="ghost" size="sm" onClick={onUndo} title="Undo (Ctrl+Z)">
                Undo
              </Button>
              <Button variant="ghost" size="sm" onClick={onRedo} title="Redo (Ctrl+Shift+Z)">
                Redo
              </Button>
              <Button
                variant="ghost"
                size="sm"
                onClick={onTidy}
                title="Lay the blocks out in the order a conversation meets them (Undo puts them back)"
              >
                Tidy up
              </Button>
            </>
          ) : null}
          <Button variant="secondary" size="sm" onClick={onHistory}>
            History
          </Button>
          {editable ? (
            <Button size="sm" onClick={onPublish} disabled={save !== 'saved' || errors.length > 0}>
              Publish
            </Button>
          ) : null}
        </div>
      </div>
      {save === 'conflict' ? (
        <div
          role="alert"
          className="flex items-center gap-3 bg-amber-100 px-4 py-2 text-sm text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"
        >
          Someone else saved this flow after you opened it. Reload to see their changes (yours since
          then are not saved).
          <Button size="sm" variant="secondary" onClick={onReload}>
            Reload
          </Button>
        </div>
      ) : null}
      {flowErrors.length ? (
        <ul role="alert" className="bg-red-50 px-4 py-1.5 text-sm text-danger dark:bg-red-950/40">
          {flowErrors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
