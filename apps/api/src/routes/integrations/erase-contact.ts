// DELETE /integrations/contacts/:phone: a right-to-erasure request, on every number of the workspace.
import { z } from 'zod/v4';
import { eraseWhatsAppId } from '@waflow/db';
import { audit } from '../../audit.ts';
import { conversationLocks, type Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { type RouteFn } from '../../routing/route.ts';
import { phone } from './schema.ts';

export function registerEraseContact(route: RouteFn, deps: Deps): void {
  const base = '/api/v1/integrations';
  const tag = 'Integrations';

  route({
    method: 'delete',
    path: `${base}/contacts/:phone`,
    access: 'apiKey',
    tag,
    summary:
      'Erase a person by phone (a right-to-erasure request): on every number of the workspace, their contact, conversations, messages, results, queued messages and webhook deliveries',
    description:
      'Each erased contact also sends contact.erased to subscribed endpoints. The audit log records the erasure without the phone. ' +
      'Errors: 400 when the phone is not one (country code and number, e.g. +34600123456), 404 NOT_FOUND when the workspace keeps nothing about it; 429 RATE_LIMITED with Retry-After.',
    responses: [
      {
        status: 200,
        description: 'Erased',
        schema: z.object({ contacts: z.number(), deleted: z.record(z.string(), z.number()) }),
      },
    ],
    handler: async (c) => {
      // Hono has decoded the path already: decoding again would turn `%25` into `%` (and throw).
      const parsed = phone.safeParse(c.req.param('phone') ?? '');
      if (!parsed.success)
        throw new AppError(
          400,
          'INVALID_PHONE',
          'phone is the contact’s number with country code, e.g. +34600123456',
        );
      const erased = await eraseWhatsAppId(
        deps.client.db,
        conversationLocks(deps),
        c.get('workspaceId'),
        `${parsed.data}@c.us`,
      );
      if (erased.contacts === 0 && Object.values(erased.deleted).every((n) => n === 0))
        throw notFound('A contact with this phone');
      await audit(c, deps.client.db, {
        action: 'integration.contact.erase',
        entityType: 'contact',
        after: erased,
      });
      return c.json(erased);
    },
  });
}
