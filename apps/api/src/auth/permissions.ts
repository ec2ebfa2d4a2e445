// The one permission table: every workspace route's id and the least role that may call it.
import type { Role } from '../context.ts';

export const permissions = {
  'flows.list': 'viewer',
  'flows.get': 'viewer',
  'flows.create': 'editor',
  'flows.saveDraft': 'editor',
  'flows.validate': 'viewer',
  'flows.publish': 'editor',
  'flows.versions': 'viewer',
  'numbers.list': 'viewer',
  'numbers.create': 'admin',
  'simulator.start': 'editor',
  'simulator.send': 'editor',
  'simulator.events': 'editor',
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof permissions;

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export function allows(role: Role, permission: Permission): boolean {
  return rank[role] >= rank[permissions[permission]];
}
