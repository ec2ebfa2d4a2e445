// The one permission table: every workspace route's permission and the least role that may use
// it. Routes name their permission in their declaration (routing/route.ts); the route × role test
// walks every declared route against this table.
// The inbox: viewers read it and its events; editors and above answer, assign, note and end. No
// separate `agent` role limited to what is assigned to it (the root README's "The team inbox"
// says why: every route, event and export would need a per-member filter; a workspace per team
// separates teams).
import type { Role } from '../context.ts';

export const permissions = {
  'workspace.get': 'viewer',
  'workspace.update': 'admin',
  'members.list': 'viewer',
  'members.update': 'admin',
  'members.remove': 'admin',
  'members.resetPassword': 'admin',
  'invites.list': 'admin',
  'invites.create': 'admin',
  'invites.revoke': 'admin',
  'flows.list': 'viewer',
  'flows.get': 'viewer',
  'flows.create': 'editor',
  'flows.import': 'editor',
  'flows.rename': 'editor',
  'flows.delete': 'editor',
  'flows.saveDraft': 'editor',
  'flows.validate': 'viewer',
  'flows.publish': 'editor',
  'flows.rollback': 'editor',
  'flows.versions': 'viewer',
  'numbers.list': 'viewer',
  'numbers.get': 'viewer',
  'numbers.events': 'viewer',
  'numbers.create': 'admin',
  'numbers.update': 'admin',
  'numbers.delete': 'admin',
  'numbers.relink': 'admin',
  'numbers.check': 'admin',
  'simulator.start': 'editor',
  'simulator.send': 'editor',
  'simulator.events': 'editor',
  'conversations.list': 'viewer',
  'conversations.get': 'viewer',
  'conversations.handoff': 'editor',
  'conversations.reply': 'editor',
  'conversations.assign': 'editor',
  'conversations.note': 'editor',
  'inbox.events': 'viewer',
  'savedReplies.list': 'viewer',
  'savedReplies.create': 'editor',
  'savedReplies.delete': 'editor',
  'contacts.list': 'viewer',
  'contacts.get': 'viewer',
  'contacts.export': 'viewer',
  'contacts.update': 'editor',
  'contacts.import': 'editor',
  'contacts.declare': 'editor',
  'contacts.erase': 'admin',
  'results.list': 'viewer',
  'results.export': 'viewer',
  'webhooks.list': 'viewer',
  'webhooks.get': 'viewer',
  'webhooks.deliveries': 'viewer',
  'webhooks.create': 'admin',
  'webhooks.update': 'admin',
  'webhooks.delete': 'admin',
  'webhooks.rotateSecret': 'admin',
  'webhooks.test': 'admin',
  'webhooks.replay': 'admin',
  'webhooks.recover': 'admin',
  'apiKeys.list': 'admin',
  'apiKeys.create': 'admin',
  'apiKeys.revoke': 'admin',
  'audit.list': 'admin',
  'analytics.view': 'viewer',
  'campaigns.list': 'viewer',
  'campaigns.get': 'viewer',
  'campaigns.create': 'editor',
  'campaigns.manage': 'editor',
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof permissions;

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export function allows(role: Role, permission: Permission): boolean {
  return rank[role] >= rank[permissions[permission]];
}

export function roleAtLeast(role: Role, least: Role): boolean {
  return rank[role] >= rank[least];
}
