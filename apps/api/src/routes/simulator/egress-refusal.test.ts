// An http block the egress guard refuses, seen by the admin: the publish warns about the literal
// internal address (naming the variables that would allow it), and a simulated conversation's
// chat, transcript and results say "blocked: 10.0.0.1 is a private address …" in plain words.
// Real Postgres, the embedded runtime and the real egress guard (10.0.0.0/8 is not allowed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, until, type Harness, type Json } from '../integrations/test-harness.ts';

const blocked = 'blocked: 10.0.0.1 is a private address (RFC 1918)';
const crmFlow: Json = {
  schemaVersion: 1,
  triggers: [{ type: 'any' }],
  variables: [{ name: 'code', type: 'number' }],
  start: 'crm',
  nodes: [
    {
      id: 'crm',
      type: 'http',
      label: 'Look up the customer',
      method: 'GET',
      url: 'http://10.0.0.1/customers',
      saveStatusAs: 'code',
      next: 'found',
      onFailure: 'sorry',
    },
    { id: 'found', type: 'end', message: 'Found you.' },
    { id: 'sorry', type: 'end', message: 'Our system is down, sorry.' },
  ],
};

describe('an http block refused by the egress guard', () => {
  let h: Harness;
  let flowId = '';
  beforeAll(async () => {
    h = await startHarness();
    const created = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows`, {
      token: h.admin,
      body: { name: 'CRM lookup', config: crmFlow },
    });
    flowId = String(created.body.id);
  });
  afterAll(() => h.close());

  it('is published with a warning that names the address and the variables that allow it', async () => {
    const warning = {
      code: 'INTERNAL_ADDRESS',
      nodeId: 'crm',
      field: 'url',
      message:
        '10.0.0.1 is a private address (RFC 1918): this call will be blocked unless your operator allows it with WAFLOW_EGRESS_ALLOW_HOSTS or WAFLOW_EGRESS_ALLOW_CIDRS. Use a public address if you can.',
    };
    const checked = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${flowId}/validate`, {
      token: h.admin,
    });
    expect(checked.body).toMatchObject({ ok: true, errors: [], warnings: [warning] });
    const published = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${flowId}/publish`, {
      token: h.admin,
      body: {},
    });
    expect(published.status).toBe(201);
    expect(published.body.warnings).toEqual([warning]);
  });

  it('shows why in the simulator’s chat, the conversation’s transcript and the results', async () => {
    const started = await h.call('POST', `/api/v1/workspaces/${h.ws}/flows/${flowId}/simulator`, {
      token: h.admin,
    });
    const sessionId = String(started.body.sessionId);
    const events = await h.app.request(`/api/v1/workspaces/${h.ws}/simulator/${sessionId}/events`, {
      headers: { authorization: `Bearer ${h.admin}` },
    });
    const reader = (events.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let buffer = '';
    /** The stream's events up to and including the first `last`, in order. */
    const upTo = async (last: string): Promise<{ event: string; data: Json }[]> => {
      const seen: { event: string; data: Json }[] = [];
      for (;;) {
        const m = /event: (\w+)\ndata: (.*)\n/.exec(buffer);
        if (m) {
          buffer = buffer.slice(m.index + m[0].length);
          seen.push({ event: m[1] ?? '', data: JSON.parse(m[2] ?? '{}') as Json });
          if (m[1] === last) return seen;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before a ${last} event`);
        buffer += value;
      }
    };
    const sent = await h.call(
      'POST',
      `/api/v1/workspaces/${h.ws}/simulator/${sessionId}/messages`,
      {
        token: h.admin,
        body: { text: 'hi' },
      },
    );
    expect(sent.status).toBe(202);
    // The simulator's chat: the notice, then the reply, then the variables with the reason.
    expect(await upTo('state')).toEqual([
      { event: 'notice', data: { text: `Look up the customer: ${blocked}` } },
      { event: 'message', data: expect.objectContaining({ text: 'Our system is down, sorry.' }) },
      { event: 'state', data: { variables: expect.objectContaining({ http_error: blocked }) } },
    ]);
    await reader.cancel();

    type Line = { author: string; type: string; body: string; direction: string };
    const transcript = await until(async () => {
      const list = await h.call(
        'GET',
        `/api/v1/workspaces/${h.ws}/conversations?numberId=${sessionId}`,
        { token: h.admin },
      );
      const id = (list.body.items as { id: string }[] | undefined)?.[0]?.id;
      if (!id) return undefined;
      const conv = await h.call('GET', `/api/v1/workspaces/${h.ws}/conversations/${id}`, {
        token: h.admin,
      });
      const lines = conv.body.messages as Line[];
      return lines.some((m) => m.body === 'Our system is down, sorry.') ? conv.body : undefined;
    }, 'the reply after the refused call');
    expect(
      (transcript.messages as Line[]).map((m) => ({
        author: m.author,
        type: m.type,
        body: m.body,
      })),
    ).toEqual([
      { author: 'contact', type: 'text', body: 'hi' },
      { author: 'system', type: 'notice', body: `Look up the customer: ${blocked}` },
      { author: 'bot', type: 'text', body: 'Our system is down, sorry.' },
    ]);
    // The conversation page and the simulator's variables panel read the same results row.
    expect(transcript.variables).toMatchObject({ http_error: blocked, code: 0 });

    const results = await h.call('GET', `/api/v1/workspaces/${h.ws}/results?flowId=${flowId}`, {
      token: h.admin,
    });
    expect((results.body.items as { variables: Json }[])[0]?.variables).toMatchObject({
      http_error: blocked,
    });
  });
});
