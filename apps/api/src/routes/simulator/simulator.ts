// The simulator: chat with a flow's draft through the sandbox channel — the same pipeline as
// WhatsApp. A session is a sandbox number pinned to a snapshot of the draft; replies, the
// transcript's notices (why an http block failed) and the variables as they fill stream over SSE.
import { and, asc, eq, gt } from 'drizzle-orm';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod/v4';
import { schema, snapshotDraft } from '@waflow/db';
import { validateFlow } from '@waflow/flow';
import { isRuntimeNotReady, type SandboxReply } from '../../runtime-port.ts';
import type { Deps } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { arrivalOrder } from '../../middleware/arrival-order.ts';
import { isUuid } from '../../middleware/auth.ts';
import type { RouteFn } from '../../routing/route.ts';
import { loadFlow } from '../flows/load-flow.ts';
import { validationContext } from '../flows/validation-context.ts';

export const SIMULATOR_CONTACT = 'simulator@c.us';
const sendBody = z.object({ text: z.string().min(1, 'type a message').max(4096) });

function runtimeOf(deps: Deps) {
  if (!deps.runtime)
    throw new AppError(
      409,
      'RUNTIME_NOT_EMBEDDED',
      'The simulator needs the runtime in this process (npm start runs it).',
    );
  return deps.runtime;
}

async function session(deps: Deps, workspaceId: string, id: string | undefined) {
  if (!isUuid(id)) throw notFound('The simulator session');
  const [row] = await deps.client.db
    .select()
    .from(schema.numbers)
    .where(
      and(
        eq(schema.numbers.id, id),
        eq(schema.numbers.workspaceId, workspaceId),
        eq(schema.numbers.channel, 'sandbox'),
      ),
    );
  if (!row?.pinnedVersionId) throw notFound('The simulator session');
  return row;
}

async function variables(deps: Deps, numberId: string): Promise<Record<string, unknown>> {
  const [row] = await deps.client.db
    .select({ variables: schema.results.variables })
    .from(schema.results)
    .innerJoin(schema.conversations, eq(schema.conversations.id, schema.results.conversationId))
    .where(eq(schema.conversations.numberId, numberId));
  return row?.variables ?? {};
}

/** The session's notice lines (author `system`) written after `afterSeq`, in order. */
async function notices(deps: Deps, numberId: string, afterSeq: number) {
  return deps.client.db
    .select({ seq: schema.messages.seq, text: schema.messages.body })
    .from(schema.messages)
    .where(
      and(
        eq(schema.messages.numberId, numberId),
        eq(schema.messages.author, 'system'),
        gt(schema.messages.seq, afterSeq),
      ),
    )
    .orderBy(asc(schema.messages.seq));
}

export function registerSimulator(route: RouteFn, deps: Deps): void {
  const tag = 'Simulator';
  // Messages typed fast, or sent on parallel connections, are stored in the order they arrived
  // and stamped then, whichever request's lookups finish first.
  const arrivals = arrivalOrder((c) => c.req.param('sid'));
  route({
    method: 'post',
    path: '/api/v1/workspaces/:ws/flows/:id/simulator',
    access: 'simulator.start',
    tag,
    summary:
      'Start a simulator session on the flow’s draft (the same pipeline as WhatsApp, through the sandbox channel)',
    responses: [
      { status: 201, description: 'The session', schema: z.object({ sessionId: z.string() }) },
    ],
    handler: async (c) => {
      const runtime = runtimeOf(deps);
      const flow = await loadFlow(deps, c.get('workspaceId'), c.req.param('id'));
      // Sub-flows are checked against the workspace's own flows, as at publish.
      const v = validateFlow(flow.draft, await validationContext(deps, c.get('workspaceId')));
      if (!v.ok)
        throw new AppError(
          422,
          'FLOW_INVALID',
          'Fix the problems shown on the blocks before simulating.',
          v.errors,
        );
      const snapshot = await snapshotDraft(deps.client.db, {
        flowId: flow.id,
        config: flow.draft,
        authorId: c.get('userId'),
      });
      const [number] = await deps.client.db
        .insert(schema.numbers)
        .values({
          workspaceId: c.get('workspaceId'),
          label: `Simulator: ${flow.name}`,
          channel: 'sandbox',
          flowId: flow.id,
          pinnedVersionId: snapshot.id,
          status: 'ready',
        })
        .returning();
      if (!number) throw new Error('simulator number insert returned nothing');
      await runtime.attachSandbox(number.id);
      return c.json({ sessionId: number.id }, 201);
    },
  });

  route({
    method: 'post',
    path: '/api/v1/workspaces/:ws/simulator/:sid/messages',
    access: 'simulator.send',
    tag,
    summary: 'Send a message to the simulated bot as the contact',
    first: [arrivals],
    body: sendBody,
    handler: async (c, { body }) => {
      const arrival = c.get('arrival');
      const runtime = runtimeOf(deps);
      const s = await session(deps, c.get('workspaceId'), c.req.param('sid'));
      await runtime.attachSandbox(s.id);
      const id = `sim-${crypto.randomUUID()}`;
      await arrival.turn;
      try {
        // The simulator can wait: while Redis is down it is refused rather than queued.
        await runtime.receive(
          s.id,
          {
            messageId: id,
            from: SIMULATOR_CONTACT,
            contactName: 'Simulator',
            type: 'text',
            text: body.text,
            timestamp: arrival.at,
          },
          { canWait: true },
        );
      } catch (err) {
        if (!isRuntimeNotReady(err)) throw err;
        c.header('Retry-After', String(err.retryAfterSeconds));
        throw new AppError(503, err.code, err.message);
      }
      return c.json({ messageId: id }, 202);
    },
  });

  route({
    method: 'get',
    path: '/api/v1/workspaces/:ws/simulator/:sid/events',
    access: 'simulator.events',
    tag,
    summary:
      'Live stream (SSE): `message` for each bot reply, `notice` before it for a line the team sees (why an http block failed), `state` with the variables as they fill',
    responses: [
      { status: 200, description: 'text/event-stream', contentType: 'text/event-stream' },
    ],
    handler: async (c) => {
      const runtime = runtimeOf(deps);
      const s = await session(deps, c.get('workspaceId'), c.req.param('sid'));
      const sandbox = await runtime.attachSandbox(s.id);
      return streamSSE(c, async (stream) => {
        const queue: SandboxReply[] = [];
        let noticeSeq = 0;
        let wake: (() => void) | undefined;
        const off = sandbox.onSent((sent) => {
          queue.push(sent);
          wake?.();
        });
        stream.onAbort(() => {
          off();
          wake?.();
        });
        while (!stream.aborted) {
          const next = queue.shift();
          if (!next) {
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, 15_000);
            });
            wake = undefined;
            if (queue.length === 0 && !stream.aborted)
              await stream.writeSSE({ event: 'ping', data: '{}' });
            continue;
          }
          // A reply is sent after its turn committed: the turn's notices are written by then.
          for (const n of await notices(deps, s.id, noticeSeq)) {
            noticeSeq = n.seq;
            await stream.writeSSE({ event: 'notice', data: JSON.stringify({ text: n.text }) });
          }
          await stream.writeSSE({ event: 'message', data: JSON.stringify(next.message) });
          await stream.writeSSE({
            event: 'state',
            data: JSON.stringify({ variables: await variables(deps, s.id) }),
          });
        }
        off();
      });
    },
  });
}
