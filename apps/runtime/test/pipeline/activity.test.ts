// A conversation's last activity orders the inbox. While its status stays the same it is
// re-dated at most once a second (each write re-indexes the row); a change of status is written
// at once, with its time. Clock advanced by the test.
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@waflow/db';
import { echoFlow } from '@waflow/testkit';
import { ACTIVITY_RESOLUTION_MS } from '../../src/pipeline/plan-turn.ts';
import { askThenEndFlow, useRuntimeOnClock, seedNumberWithFlow, waitFor } from '../fixtures.ts';

describe('conversation activity', () => {
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const env = useRuntimeOnClock(() => clock);

  async function say(
    numberId: string,
    from: string,
    text: string,
    replies: number,
    sent: () => number,
  ) {
    await env.runtime.receive(numberId, {
      messageId: `m-${from}-${text}`,
      from,
      type: 'text',
      text,
      timestamp: clock,
    });
    await waitFor(() => (sent() >= replies ? true : undefined), 15_000, `${replies} replies`);
    await env.runtime.idle();
  }
  const conversation = async (numberId: string) => {
    const [c] = await env.client.db
      .select()
      .from(schema.conversations)
      .where(eq(schema.conversations.numberId, numberId));
    if (!c) throw new Error('no conversation');
    return c;
  };

  it('re-dates a busy conversation at most once a second while its status stays', async () => {
    const { numberId } = await seedNumberWithFlow(env.client, echoFlow);
    const sandbox = await env.runtime.attachSandbox(numberId);
    const from = '34600000801@c.us';
    const sent = () => sandbox.sent.filter((s) => s.message.to === from).length;
    const started = clock;
    await say(numberId, from, 'hi', 1, sent);
    expect(await conversation(numberId)).toMatchObject({
      status: 'waiting',
      lastActivityAt: new Date(started),
    });

    clock += 300;
    await say(numberId, from, 'one', 2, sent);
    expect((await conversation(numberId)).lastActivityAt).toEqual(new Date(started));

    clock += ACTIVITY_RESOLUTION_MS;
    await say(numberId, from, 'two', 3, sent);
    expect((await conversation(numberId)).lastActivityAt).toEqual(new Date(clock));
  });

  it('writes a change of status at once, with its time', async () => {
    const { numberId } = await seedNumberWithFlow(env.client, askThenEndFlow);
    const sandbox = await env.runtime.attachSandbox(numberId);
    const from = '34600000802@c.us';
    const sent = () => sandbox.sent.filter((s) => s.message.to === from).length;
    await say(numberId, from, 'hi', 1, sent);
    expect((await conversation(numberId)).status).toBe('waiting');
    clock += 200;
    await say(numberId, from, 'Ana', 2, sent);
    expect(await conversation(numberId)).toMatchObject({
      status: 'completed',
      lastActivityAt: new Date(clock),
    });
  });
});
