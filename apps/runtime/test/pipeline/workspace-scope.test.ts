// Every flow a conversation runs is its own workspace's: a sub-flow id that names another
// workspace's published flow is skipped, never run (its messages and http credentials are private).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createInProcessCoordinator, type Coordinator } from '@waflow/coord';
import { createFlow, createWorkspace, publishFlowVersion, type DbClient } from '@waflow/db';
import pino from 'pino';
import { Runtime } from '../../src/runtime.ts';
import { freshDatabase, rebindNumber, seedNumberWithFlow, waitFor } from '../fixtures.ts';

const secretFlow = {
  schemaVersion: 1,
  name: 'Private',
  triggers: [{ type: 'any' }],
  variables: [],
  start: 's',
  nodes: [
    { id: 's', type: 'say', message: { kind: 'text', text: 'the other workspace’s secret' } },
  ],
};

function callerFlow(flowId: string) {
  return {
    schemaVersion: 1,
    name: 'Caller',
    triggers: [{ type: 'any' }],
    variables: [],
    start: 'call',
    nodes: [
      { id: 'call', type: 'subflow', flowId, next: 'bye' },
      { id: 'bye', type: 'end', message: 'done here' },
    ],
  };
}

describe('flows are loaded only from the conversation’s workspace', () => {
  let client: DbClient;
  let coord: Coordinator;
  let runtime: Runtime;
  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    coord = createInProcessCoordinator();
    runtime = new Runtime({
      client,
      coord,
      outbox: { pacing: { ratePerSec: 10_000, burst: 10_000 } },
      log: pino({ level: 'silent' }),
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime.stop();
    await coord.close();
    await client.close();
  });

  it('skips a sub-flow that is another workspace’s published flow', async () => {
    const other = await createWorkspace(client.db, 'Other workspace');
    const foreign = await createFlow(client.db, {
      workspaceId: other.id,
      name: 'Private',
      draft: secretFlow,
    });
    await publishFlowVersion(client.db, { flowId: foreign.id, config: secretFlow });

    const { numberId } = await seedNumberWithFlow(client, callerFlow(foreign.id));
    const sandbox = await runtime.attachSandbox(numberId);
    sandbox.deliver({ from: '34600000901@c.us', text: 'hi' });
    const texts = await waitFor(() => {
      const t = sandbox.sent.map((s) => (s.message.type === 'text' ? s.message.text : ''));
      return t.includes('done here') ? t : undefined;
    });
    expect(texts).toEqual(['done here']);
  });

  it('runs a sub-flow of the same workspace', async () => {
    const { numberId, workspaceId } = await seedNumberWithFlow(client, {
      ...secretFlow,
      name: 'placeholder',
    });
    const own = await createFlow(client.db, { workspaceId, name: 'Own', draft: secretFlow });
    await publishFlowVersion(client.db, {
      flowId: own.id,
      config: {
        ...secretFlow,
        nodes: [{ id: 's', type: 'say', message: { kind: 'text', text: 'from our own sub-flow' } }],
      },
    });
    const caller = await createFlow(client.db, {
      workspaceId,
      name: 'Caller',
      draft: callerFlow(own.id),
    });
    await publishFlowVersion(client.db, { flowId: caller.id, config: callerFlow(own.id) });
    await rebindNumber(client, numberId, caller.id);
    const sandbox = await runtime.attachSandbox(numberId);
    sandbox.deliver({ from: '34600000902@c.us', text: 'hi' });
    const texts = await waitFor(() => {
      const t = sandbox.sent.map((s) => (s.message.type === 'text' ? s.message.text : ''));
      return t.includes('done here') ? t : undefined;
    });
    expect(texts).toEqual(['from our own sub-flow', 'done here']);
  });
});
