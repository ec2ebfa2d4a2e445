// Contacts, one per person per workspace: listed, searched, edited, tagged, imported and
// exported (the files beside this one), and erased on request (the right to erasure). Everything kept about them goes —
// conversations, transcript, results, queued messages, inbound events, webhook deliveries — under
// their conversation lock, so no turn of theirs is half-way. The audit log records the erasure
// with what was deleted, never the contact's number.
import { eraseContactData } from '@waflow/db';
import { audit } from '../../audit.ts';
import { conversationLocks, type Deps } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../middleware/auth.ts';
import { type RouteFn } from '../../routing/route.ts';
import { registerDeclared } from './declared.ts';
import { registerEditContacts } from './edit-contacts.ts';
import { registerImportContacts } from './import-contacts.ts';
import { registerListContacts } from './list-contacts.ts';

export function registerContacts(route: RouteFn, deps: Deps): void {
  registerListContacts(route, deps);
  registerEditContacts(route, deps);
  registerImportContacts(route, deps);
  registerDeclared(route, deps);
  route({
    method: 'delete',
    path: '/api/v1/workspaces/:ws/contacts/:id',
    access: 'contacts.erase',
    tag: 'Contacts',
    summary:
      'Erase a contact and everything kept about them (conversations, messages, results, webhook deliveries)',
    handler: async (c) => {
      const id = c.req.param('id');
      const workspaceId = c.get('workspaceId');
      const erased = isUuid(id)
        ? await eraseContactData(deps.client.db, conversationLocks(deps), workspaceId, id)
        : undefined;
      if (!erased) throw notFound('The contact');
      const { waId: _waId, contactId: _contactId, ...deleted } = erased;
      await audit(c, deps.client.db, {
        action: 'contact.erase',
        entityType: 'contact',
        entityId: id,
        after: deleted,
      });
      return c.json({ id, deleted });
    },
  });
}
