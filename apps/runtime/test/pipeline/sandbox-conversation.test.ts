import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
  createInProcessCoordinator,
  createRedisCoordinator,
  type Coordinator,
} from '@waflow/coord';
import { publishFlowVersion, schema, type DbClient } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { Runtime } from '../../src/runtime.ts';
import type { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';
import { exampleFlow, freshDatabase, seedNumberWithFlow, waitFor } from '../fixtures.ts';

const fast = { pacing: { ratePerSec: 10_000, burst: 10_000 } };
const textsTo = (ch: SandboxChannel, to: string) =>
  ch.sent
    .filter((s) => s.message.to === to)
    .map((s) => (s.message.type === 'text' ? s.message.text : s.message.type));

for (const coordKind of ['in-process', 'redis'] as const) {
  describe(`the pipeline on real Postgres with ${coordKind} coordination`, () => {
    let client: DbClient;
    let coord: Coordinator;
    let runtime: Runtime;
    beforeAll(async () => {
      client = await freshDatabase(inject('pgUrl'));
      coord =
        coordKind === 'redis'
          ? createRedisCoordinator({ url: inject('redisUrl'), prefix: `p${Date.now()}:` })
          : createInProcessCoordinator();
      runtime = new Runtime({
        client,
        coord,
        outbox: fast,
        log: (await import('pino')).default({ level: process.env.TEST_LOG ?? 'silent' }),
      });
      await runtime.start();
    });
    afterAll(async () => {
      await runtime.stop();
      await coord.close();
      await client.close();
    });

    it('answers a whole lead-capture conversation through the sandbox and stores the results', async () => {
      const { numberId } = await seedNumberWithFlow(client, exampleFlow('lead-capture'));
      const sandbox = await runtime.attachSandbox(numberId);
      const from = '34600000001@c.us';
      const say = async (text: string, replies: number) => {
        const before = textsTo(sandbox, from).length;
        sandbox.deliver({ from, text });
        await waitFor(
          () => textsTo(sandbox, from).length >= before + replies || undefined,
          15_000,
          `replies to "${text}"`,
        );
      };
      await say('Hello there', 2);
      await say('Ana', 1);
      await say('ana@example.com', 1);
      await say('2', 1);
      await say('1500', 1);
      expect(textsTo(sandbox, from)).toEqual([
        "Hi! I'm the Acme assistant. I'll ask three quick questions.",
        "What's your name?",
        "Nice to meet you, Ana! What's your email?",
        'What are you interested in?\n\n1. Website\n2. Online shop\n3. Mobile app\n\nReply with a number.',
        'And your budget in euros?',
        "Thanks Ana! We'll be in touch within one business day.",
      ]);
      const [result] = await client.db
        .select()
        .from(schema.results)
        .where(
          eq(
            schema.results.workspaceId,
            (
              await client.db.select().from(schema.numbers).where(eq(schema.numbers.id, numberId))
            )[0]?.workspaceId ?? '',
          ),
        );
      expect(result).toMatchObject({
        status: 'completed',
        variables: { name: 'Ana', email: 'ana@example.com', interest: 'Online shop', budget: 1500 },
      });
      // The channel has the last reply a moment before the sender records it as sent.
      const sent = await waitFor(
        async () => {
          const rows = await client.db
            .select()
            .from(schema.outbox)
            .where(eq(schema.outbox.numberId, numberId));
          return rows.every((r) => r.status === 'sent') ? rows : undefined;
        },
        15_000,
        'every outbox row marked sent',
      );
      expect(sent).toHaveLength(6);
      expect(sent.every((r) => r.providerMessageId)).toBe(true);
    });

    it('handles 100 concurrent messages to one conversation one at a time, in arrival order, one reply each', async () => {
      const echo = echoFlow;
      const { numberId } = await seedNumberWithFlow(client, echo);
      const sandbox = await runtime.attachSandbox(numberId);
      const from = '34600000002@c.us';
      sandbox.deliver({ from, text: 'start' });
      await waitFor(() => textsTo(sandbox, from).length >= 1 || undefined);
      const received = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          runtime.receive(numberId, {
            messageId: `m${i}`,
            from,
            type: 'text',
            text: `#${i}`,
            timestamp: Date.now(),
          }),
        ),
      );
      expect(received.every((r) => r.inserted)).toBe(true);
      await waitFor(() => textsTo(sandbox, from).length >= 101 || undefined, 60_000, '100 replies');
      const events = await client.db
        .select({
          seq: schema.inboundEvents.seq,
          payload: schema.inboundEvents.payload,
          status: schema.inboundEvents.status,
        })
        .from(schema.inboundEvents)
        .where(eq(schema.inboundEvents.numberId, numberId));
      const arrival = events
        .filter((e) => e.status === 'processed')
        .sort((a, b) => a.seq - b.seq)
        .map((e) => (e.payload as { message: { text: string } }).message.text)
        .filter((t) => t !== 'start');
      expect(textsTo(sandbox, from).slice(1)).toEqual(arrival.map((t) => `got ${t}`));
      expect(new Set(textsTo(sandbox, from)).size).toBe(101);
    });

    it('drops a duplicate delivery of the same WhatsApp message', async () => {
      const { numberId } = await seedNumberWithFlow(client, exampleFlow('faq-menu'));
      const sandbox = await runtime.attachSandbox(numberId);
      const from = '34600000003@c.us';
      const a = await runtime.receive(numberId, {
        messageId: 'dup-1',
        from,
        type: 'text',
        text: 'hola',
        timestamp: Date.now(),
      });
      const b = await runtime.receive(numberId, {
        messageId: 'dup-1',
        from,
        type: 'text',
        text: 'hola',
        timestamp: Date.now(),
      });
      expect([a.inserted, b.inserted]).toEqual([true, false]);
      await waitFor(() => textsTo(sandbox, from).length >= 1 || undefined);
      await runtime.idle();
      expect(textsTo(sandbox, from)).toHaveLength(1);
    });

    it('sends a template as its fallback text, the sandbox having no templates', async () => {
      const { numberId } = await seedNumberWithFlow(client, {
        schemaVersion: 1,
        triggers: [{ type: 'any' }],
        variables: [],
        start: 'notify',
        nodes: [
          {
            id: 'notify',
            type: 'say',
            message: {
              kind: 'template',
              name: 'order_update',
              language: 'en_US',
              parameters: ['{{last_message}}'],
              fallbackText: 'You wrote {{last_message}}.',
            },
          },
        ],
      });
      const sandbox = await runtime.attachSandbox(numberId);
      const from = '34600000004@c.us';
      sandbox.deliver({ from, text: 'hi' });
      await waitFor(() => textsTo(sandbox, from).length >= 1 || undefined);
      expect(sandbox.sent.filter((s) => s.message.to === from).map((s) => s.message)).toEqual([
        { to: from, type: 'text', text: 'You wrote hi.' },
      ]);
    });

    it('finishes a conversation on the version it started with while new contacts get the new one', async () => {
      const v1 = {
        schemaVersion: 1,
        triggers: [{ type: 'any' }],
        variables: [{ name: 'x', type: 'string' }],
        start: 'q',
        nodes: [
          {
            id: 'q',
            type: 'ask',
            prompt: 'v1 asks',
            saveAs: 'x',
            validation: { kind: 'text' },
            next: 'e',
          },
          { id: 'e', type: 'end', message: 'v1 ends' },
        ],
      };
      const { numberId, flowId } = await seedNumberWithFlow(client, v1);
      const sandbox = await runtime.attachSandbox(numberId);
      const old = '34600000004@c.us';
      const fresh = '34600000005@c.us';
      sandbox.deliver({ from: old, text: 'hi' });
      await waitFor(() => textsTo(sandbox, old).length >= 1 || undefined);
      const v2 = JSON.parse(JSON.stringify(v1).replaceAll('v1', 'v2')) as Record<string, unknown>;
      await publishFlowVersion(client.db, { flowId, config: v2, changelog: 'v2' });
      sandbox.deliver({ from: fresh, text: 'hi' });
      sandbox.deliver({ from: old, text: 'answer' });
      await waitFor(
        () =>
          (textsTo(sandbox, fresh).length >= 1 && textsTo(sandbox, old).length >= 2) || undefined,
      );
      expect(textsTo(sandbox, old)).toEqual(['v1 asks', 'v1 ends']);
      expect(textsTo(sandbox, fresh)).toEqual(['v2 asks']);
    });
  });
}
