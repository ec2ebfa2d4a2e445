// A contact's attributes through the runtime: a say block reads {{contact.<attr>}} (and tags),
// and a set block's "save to contact" writes a typed attribute that the next conversation reads;
// a value that is not of the attribute's type is not saved.
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { useRuntimeOnClock, seedNumberWithFlow, waitFor } from '../fixtures.ts';

const flow = {
  schemaVersion: 1,
  triggers: [{ type: 'any' }],
  variables: [{ name: 'age', type: 'string' }],
  start: 'hi',
  nodes: [
    {
      id: 'hi',
      type: 'say',
      message: {
        kind: 'text',
        text: 'Hi {{contact.name}} from {{contact.city}} ({{contact.tags}}), age {{contact.age}}',
      },
      next: 'ask',
    },
    {
      id: 'ask',
      type: 'ask',
      prompt: 'How old are you?',
      saveAs: 'age',
      validation: { kind: 'text' },
      next: 'save',
    },
    {
      id: 'save',
      type: 'set',
      assignments: [{ variable: 'age', value: '{{age}}', saveToContact: 'age' }],
      next: 'bye',
    },
    {
      id: 'bye',
      type: 'say',
      message: { kind: 'text', text: 'Saved {{contact.age}}' },
      next: 'end',
    },
    { id: 'end', type: 'end' },
  ],
};

describe('contact attributes in flows', () => {
  const clock = Date.parse('2026-12-02T10:00:00Z');
  const env = useRuntimeOnClock(() => clock);

  it('reads {{contact.attr}} in a say block and saves a typed attribute to the contact', async () => {
    const { numberId, workspaceId } = await seedNumberWithFlow(env.client, flow);
    await env.client.db.insert(schema.contactAttributes).values([
      { workspaceId, key: 'city', label: 'City', type: 'text' },
      { workspaceId, key: 'age', label: 'Age', type: 'number' },
    ]);
    const from = '34600000801@c.us';
    await env.client.db.insert(schema.contacts).values({
      workspaceId,
      waId: from,
      phone: '+34600000801',
      name: 'Ana',
      tags: ['vip'],
      attributes: { city: 'Madrid' },
    });
    const sandbox = await env.runtime.attachSandbox(numberId);
    let n = 0;
    const say = async (text: string, replies: number) => {
      n += 1;
      await env.runtime.receive(numberId, {
        messageId: `a-${n}`,
        from,
        type: 'text',
        text,
        timestamp: clock,
      });
      await waitFor(
        () => (sandbox.sent.length >= replies ? true : undefined),
        15_000,
        `reply ${replies}`,
      );
      await env.runtime.idle();
    };
    const texts = () => sandbox.sent.map((s) => (s.message.type === 'text' ? s.message.text : ''));
    const attributes = async () =>
      (
        await env.client.db
          .select({ attributes: schema.contacts.attributes })
          .from(schema.contacts)
          .where(and(eq(schema.contacts.workspaceId, workspaceId), eq(schema.contacts.waId, from)))
      )[0]?.attributes;

    await say('hello', 2);
    expect(texts()).toEqual(['Hi Ana from Madrid (vip), age ', 'How old are you?']);
    // Not a number: the conversation goes on, the attribute is not written.
    await say('forty', 3);
    expect(texts()[2]).toBe('Saved forty');
    expect(await attributes()).toEqual({ city: 'Madrid' });

    await say('again', 5);
    await say(' 42 ', 6);
    expect(texts()[5]).toBe('Saved 42');
    expect(await attributes()).toEqual({ city: 'Madrid', age: 42 });
    // The next conversation reads it from the contact.
    await say('hello', 8);
    expect(texts()[6]).toBe('Hi Ana from Madrid (vip), age 42');
  });
});
