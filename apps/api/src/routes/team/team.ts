// The workspace and its team: settings, members and their roles, invites by link (what the link
// opens is join.ts). Nobody can hand out a role above their own, and a workspace always keeps at
// least one owner.
// Each group of routes is in the file beside this one; registered here in the order they list.
import type { Deps } from '../../context.ts';
import { type RouteFn } from '../../routing/route.ts';
import { registerInvites } from './invites.ts';
import { registerMembers } from './members.ts';
import { registerWorkspace } from './workspace.ts';

export function registerTeam(route: RouteFn, deps: Deps): void {
  registerWorkspace(route, deps);
  registerMembers(route, deps);
  registerInvites(route, deps);
}
