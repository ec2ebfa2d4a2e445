// POST /integrations/contacts: an integrator's CRM writes contacts in bulk (up to 1,000 a request)
// with an Idempotency-Key: the same key and body get the first answer back, another body a 409.
// The request is checked whole first — every bad contact named by its index — and written whole
// or refused whole.
import { z } from 'zod/v4';
import {
  attributeTypes,
  declaredTags,
  normalizePhone,
  upsertContactRows,
  waIdFromPhone,
  type ImportedContact,
} from '@waflow/db';
import { audit } from '../../audit.ts';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { type RouteFn } from '../../routing/route.ts';
import { typedAttributeValues } from '../contacts/edit-contacts.ts';
import { MAX_NAME } from '../contacts/import-row.ts';
import { idempotent } from './idempotency.ts';
import { idempotencyHeader } from './schema.ts';

const upsertBody = z.object({
  contacts: z
    .array(
      z.object({
        phone: z.string().max(40).describe('With country code, e.g. +34600123456'),
        name: z.string().trim().max(MAX_NAME).optional(),
        tags: z
          .array(z.string().trim().min(1).max(50))
          .max(50)
          .optional()
          .describe('Added to the contact’s tags (declared tags only)'),
        attributes: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('Values by attribute key, in their declared types'),
        optedOut: z
          .literal(true, { error: 'optedOut can only be true: only the contact opts back in' })
          .optional(),
      }),
    )
    .min(1, 'send at least one contact')
    .max(1_000, 'at most 1,000 contacts a request'),
});

export function registerUpsertContacts(route: RouteFn, deps: Deps): void {
  route({
    method: 'post',
    path: '/api/v1/integrations/contacts',
    access: 'apiKey',
    tag: 'Integrations',
    summary: 'Create or update contacts in bulk (by phone), once per Idempotency-Key',
    description:
      'Known phones are updated: name when given, tags added, attributes merged. Nothing is written unless every contact is valid. ' +
      'Errors: 400 INVALID_CONTACTS with details [{ index, field, message }] (a bad phone, an unknown tag, a value of the wrong type); 409 IDEMPOTENCY_KEY_REUSED when the key was used for another body.',
    body: upsertBody,
    headers: idempotencyHeader,
    responses: [
      {
        status: 200,
        description: 'Written',
        schema: z.object({ created: z.number(), updated: z.number() }),
      },
    ],
    handler: async (c, { body }) =>
      idempotent(c, deps, body, async () => {
        const ws = c.get('workspaceId');
        const [tags, types] = await Promise.all([
          declaredTags(deps.client.db, ws),
          attributeTypes(deps.client.db, ws),
        ]);
        const problems: { index: number; field: string; message: string }[] = [];
        const rows: ImportedContact[] = [];
        for (const [index, k] of body.contacts.entries()) {
          const phone = normalizePhone(k.phone);
          if (!phone)
            problems.push({
              index,
              field: 'phone',
              message: `"${k.phone}" is not a phone with its country code, e.g. +34600123456`,
            });
          const unknown = (k.tags ?? []).find((t) => !tags.has(t));
          if (unknown !== undefined)
            problems.push({
              index,
              field: 'tags',
              message: `"${unknown}" is not a tag of this workspace`,
            });
          let attributes: Record<string, string | number | boolean> = {};
          try {
            const typed = typedAttributeValues(
              types,
              k.attributes ?? {},
              `contacts[${index}].attributes`,
            );
            attributes = Object.fromEntries(
              Object.entries(typed).filter(
                (e): e is [string, string | number | boolean] => e[1] !== null,
              ),
            );
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            problems.push({ index, field: 'attributes', message: err.message });
          }
          if (phone)
            rows.push({
              waId: waIdFromPhone(phone),
              phone,
              name: k.name ?? null,
              tags: k.tags ?? [],
              attributes,
              optedOut: k.optedOut === true,
            });
        }
        if (problems.length > 0)
          throw new AppError(
            400,
            'INVALID_CONTACTS',
            `${problems.length === 1 ? 'A contact is' : `${problems.length} contacts are`} not valid: fix them and send again (nothing was written).`,
            problems,
          );
        const written = await upsertContactRows(
          deps.client.db,
          ws,
          rows,
          'opted out by the integrator',
        );
        await audit(c, deps.client.db, {
          action: 'integration.contacts.upsert',
          entityType: 'contact',
          after: written,
        });
        return { status: 200, body: written };
      }),
  });
}
