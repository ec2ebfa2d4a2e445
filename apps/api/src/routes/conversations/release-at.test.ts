// Giving a conversation back to the bot at a block the person chose (real Postgres, the embedded
// runtime, a sandbox number): the bot carries on there, not where it was waiting; a block the
// flow does not have is refused with the blocks it does.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { until } from '@waflow/testkit';
import { startInbox, type Inbox } from './inbox-test-harness.ts';

const support = JSON.parse(
  readFileSync(
    new URL('../../../../../schemas/examples/support-handoff.flow.json', import.meta.url),
    'utf8',
  ),
) as unknown;
const contact = '34600000301@c.us';

describe('giving a conversation back at a chosen block', () => {
  let inbox: Inbox;
  const texts = () =>
    inbox.sandbox.sent.map((s) => (s.message.type === 'text' ? s.message.text : s.message.type));
  beforeAll(async () => {
    inbox = await startInbox(inject('pgUrl'), support);
  });
  afterAll(async () => {
    await inbox.close();
  });

  it('carries on at the chosen block, and refuses one the flow does not have', async () => {
    inbox.sandbox.deliver({ from: contact, text: 'I have a problem with my order' });
    await until(() => (texts().length >= 1 ? true : undefined), 'the first question');
    const [conv] = (await inbox.json('GET', '/conversations')).items as { id: string }[];
    const path = `/conversations/${conv!.id}`;
    expect((await inbox.call('POST', `${path}/handoff`)).status).toBe(200);
    const detail = await inbox.json('GET', path);
    expect(detail.blocks).toEqual(
      expect.arrayContaining([
        { id: 'bye', type: 'end' },
        { id: 'ask_order', type: 'ask' },
      ]),
    );

    const wrong = await inbox.call('POST', `${path}/release?nodeId=nowhere`);
    expect(wrong.status).toBe(422);
    expect(await wrong.json()).toMatchObject({
      error: {
        code: 'BLOCK_NOT_FOUND',
        message: expect.stringContaining('has no block "nowhere"'),
      },
    });
    expect((await inbox.call('POST', `${path}/release?nodeId=bye`)).status).toBe(200);
    await until(() => (texts().includes('Thank you!') ? true : undefined), 'the end block');
    expect(texts()).toEqual([
      "Sorry to hear that. What's your order number? (5 digits, like 12345)",
      'Thank you!',
    ]);
    await until(
      async () => ((await inbox.json('GET', path)).status === 'completed' ? true : undefined),
      'the conversation completed',
    );
  });
});
