// Repository case suite, retention (run on real Postgres and on embedded PGlite): a contact erased
// with everything kept about them, and what is older than a workspace keeps deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbClient } from '../client.ts';
import { migrate } from '../migrate.ts';
import { retentionSeeds, type Target } from './repositories.case-harness.ts';
import { eraseFromNumber, findContact, purgeExpired } from './retention.ts';

export function runRetentionContract({ name, create }: Target) {
  describe(`repositories on ${name}: retention`, () => {
    let client: DbClient;
    beforeAll(async () => {
      client = await create();
      await migrate(client);
    });
    afterAll(() => client.close());
    const { seedContact, count, workspaceWithNumber } = retentionSeeds(() => client);

    it("erases a contact and everything kept about them, and nobody else's", async () => {
      const { wsId, numberId, endpointId } = await workspaceWithNumber('Erasure');
      const ana = await seedContact(wsId, numberId, endpointId, '34600000001@c.us', 0);
      const bea = await seedContact(wsId, numberId, endpointId, '34600000002@c.us', 0);

      // Who to lock and erase: a contact of this workspace only.
      expect(
        await findContact(client.db, wsId, '00000000-0000-4000-8000-000000000000'),
      ).toBeUndefined();
      const other = await workspaceWithNumber('Someone else');
      expect(await findContact(client.db, other.wsId, ana.contactId)).toBeUndefined();
      expect(await findContact(client.db, wsId, ana.contactId)).toEqual({
        id: ana.contactId,
        numberId,
        waId: '34600000001@c.us',
      });

      const erased = await eraseFromNumber(client.db, wsId, numberId, '34600000001@c.us');
      expect(erased).toEqual({
        contactId: ana.contactId,
        numberId,
        waId: '34600000001@c.us',
        conversations: 1,
        messages: 3,
        results: 1,
        inboundEvents: 2,
        webhookDeliveries: 1,
      });
      const anaWa = '34600000001@c.us';
      expect(await count('contacts', 'id = $1', [ana.contactId])).toBe(0);
      expect(await count('conversations', 'contact_id = $1', [ana.contactId])).toBe(0);
      expect(await count('conversation_checkpoints', 'conversation_id = $1', [ana.convId])).toBe(0);
      // Only Bea's three messages are left on the number (her transcript, her loose inbound and outbound).
      expect(await count('messages', 'number_id = $1', [numberId])).toBe(3);
      expect(await count('outbox', `payload->>'to' = $1`, [anaWa])).toBe(0);
      expect(await count('timers', 'conversation_id = $1', [ana.convId])).toBe(0);
      expect(await count('results', 'conversation_id = $1', [ana.convId])).toBe(0);
      expect(await count('inbound_events', 'from_wa_id = $1', [anaWa])).toBe(0);
      expect(
        await count(
          'webhook_deliveries',
          `payload->'data'->>'contact' = $1 and event_type <> 'contact.erased'`,
          [anaWa],
        ),
      ).toBe(0);
      // The endpoint is told, to erase them on its side too.
      expect(
        await count(
          'webhook_deliveries',
          `endpoint_id = $1 and event_type = 'contact.erased' and payload->'data'->>'contactId' = $2`,
          [endpointId, ana.contactId],
        ),
      ).toBe(1);
      expect(await count('audit_log', `after::text like $1`, [`%${anaWa}%`])).toBe(0);
      expect(
        await count('audit_log', `workspace_id = $1 and action = 'integration.start'`, [wsId]),
      ).toBe(2);
      // Bea is untouched.
      expect(await count('conversations', 'contact_id = $1', [bea.contactId])).toBe(1);
      expect(await count('inbound_events', 'from_wa_id = $1', ['34600000002@c.us'])).toBe(2);
      expect(await count('outbox', `payload->>'to' = $1`, ['34600000002@c.us'])).toBe(2);
      expect(
        await count('webhook_deliveries', `payload->'data'->>'contact' = $1`, ['34600000002@c.us']),
      ).toBe(1);
      expect(await findContact(client.db, wsId, ana.contactId)).toBeUndefined();
      expect(await eraseFromNumber(client.db, wsId, numberId, '34600000001@c.us')).toMatchObject({
        contactId: null,
        conversations: 0,
        messages: 0,
        inboundEvents: 0,
        webhookDeliveries: 0,
      });
      expect(
        await count(
          'webhook_deliveries',
          `event_type = 'contact.erased' and payload->'data'->>'contactId' = $1`,
          [ana.contactId],
        ),
      ).toBe(1);
    });

    it('deletes what is older than a workspace keeps, and only where a retention period is set', async () => {
      const kept = await workspaceWithNumber('Keeps everything');
      const brief = await workspaceWithNumber('Keeps 30 days');
      await client.query(
        `update workspaces set settings = settings || '{"retentionDays": 30}' where id = $1`,
        [brief.wsId],
      );
      const forever = await seedContact(
        kept.wsId,
        kept.numberId,
        kept.endpointId,
        '34600000010@c.us',
        400,
      );
      const old = await seedContact(
        brief.wsId,
        brief.numberId,
        brief.endpointId,
        '34600000011@c.us',
        40,
      );
      const recent = await seedContact(
        brief.wsId,
        brief.numberId,
        brief.endpointId,
        '34600000012@c.us',
        5,
      );
      // An old conversation whose contact just wrote again: their turn may be running, it stays.
      const busy = await seedContact(
        brief.wsId,
        brief.numberId,
        brief.endpointId,
        '34600000013@c.us',
        40,
      );
      await client.query(
        `insert into inbound_events (number_id, wa_message_id, from_wa_id, payload) values ($1, 'busy-new', '34600000013@c.us', '{}')`,
        [brief.numberId],
      );

      const purged = await purgeExpired(client.db, new Date(), 2);
      expect(purged.conversations).toBeGreaterThanOrEqual(1);
      expect(await count('conversations', 'id = $1', [old.convId])).toBe(0);
      expect(await count('contacts', 'id = $1', [old.contactId])).toBe(0);
      expect(
        await count('messages', 'number_id = $1 and wa_message_id like $2', [
          brief.numberId,
          '34600000011%',
        ]),
      ).toBe(0);
      expect(await count('inbound_events', 'from_wa_id = $1', ['34600000011@c.us'])).toBe(0);
      expect(
        await count('webhook_deliveries', `payload->'data'->>'contact' = $1`, ['34600000011@c.us']),
      ).toBe(0);
      expect(await count('results', 'conversation_id = $1', [old.convId])).toBe(0);

      for (const c of [forever, recent, busy])
        expect(await count('conversations', 'id = $1', [c.convId])).toBe(1);
      expect(await count('contacts', 'id = $1', [busy.contactId])).toBe(1);
      expect(
        await count('inbound_events', `from_wa_id = $1 and status = 'pending'`, [
          '34600000013@c.us',
        ]),
      ).toBe(1);
      expect(await count('messages', 'number_id = $1', [kept.numberId])).toBe(3);
      expect(await count('webhook_deliveries', 'endpoint_id = $1', [kept.endpointId])).toBe(1);

      expect(await purgeExpired(client.db, new Date(), 2)).toMatchObject({
        conversations: 0,
        contacts: 0,
        messages: 0,
        webhookDeliveries: 0,
      });
    });
  });
}
