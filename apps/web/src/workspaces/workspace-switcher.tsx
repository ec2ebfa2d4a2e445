// The shell's workspace switcher: the person's workspaces (their role in each beside the name),
// and "New workspace…", which opens the dialog and switches to the workspace it creates.
// Switching leaves a page that shows one thing of the previous workspace (a flow in the builder)
// for that kind's list; the shell remounts the page on the new workspace.
import { useState } from 'react';
import { Select, useToast } from '../components/ui.tsx';
import { match, navigate, usePath } from '../router.tsx';
import { useSession } from '../session.tsx';
import { NewWorkspaceDialog } from './new-workspace-dialog.tsx';

const NEW = 'new';

export function WorkspaceSwitcher() {
  const { profile, workspace, setWorkspaceId, reloadProfile } = useSession();
  const path = usePath();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const switchTo = (id: string) => {
    setWorkspaceId(id);
    if (match('/flows/:id', path)) navigate('/flows');
  };
  if (!profile) return null;
  return (
    <>
      <Select
        aria-label="Workspace"
        title="Switch workspace"
        className="h-8 w-auto max-w-56"
        value={workspace?.id ?? ''}
        onChange={(e) => {
          // The select stays on the current workspace until a new one exists.
          if (e.target.value === NEW) setCreating(true);
          else switchTo(e.target.value);
        }}
      >
        {profile.workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name} ({w.role})
          </option>
        ))}
        <option disabled>──────────</option>
        <option value={NEW}>New workspace…</option>
      </Select>
      <NewWorkspaceDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={async (ws) => {
          await reloadProfile();
          switchTo(ws.id);
          toast('good', `Workspace ${ws.name} created: you are its owner.`);
        }}
      />
    </>
  );
}
