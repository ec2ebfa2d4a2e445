// waflow's side of the peer benchmark: the Runtime with the sandbox channel, the conversation of
// conversation.ts published as a flow, on the database and coordinator it is given (real Postgres +
// Redis, or PGlite with in-process locks).
import pino from 'pino';
import { createCoordinator } from '@waflow/coord';
import type { DbClient } from '@waflow/db';
import { Runtime } from '../../apps/runtime/src/runtime.ts';
import { sandboxNumber } from '../shared/setup.ts';
import { waflowFlow, type PeerSide } from './conversation.ts';

export interface WaflowSide extends PeerSide {
  stop(): Promise<void>;
}

export async function startWaflow(client: DbClient, redisUrl?: string): Promise<WaflowSide> {
  const numberId = await sandboxNumber(client, 'bench-peer', waflowFlow);
  const coord = createCoordinator(redisUrl ? { redisUrl } : {});
  // Pacing off, as the pipeline benchmark: the sandbox is not WhatsApp, and BuilderBot paces nothing.
  const runtime = new Runtime({
    client,
    coord,
    log: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
    outbox: { pacing: { ratePerSec: 1e9, burst: 1e9 } },
  });
  await runtime.start();
  const sandbox = await runtime.attachSandbox(numberId);
  return {
    send: (from, text) => void sandbox.deliver({ from: `${from}@c.us`, text }),
    onReply: (listener) =>
      sandbox.onSent((s) => {
        if (s.message.type === 'text')
          listener(s.message.to.replace(/@c\.us$/, ''), s.message.text);
      }),
    stop: async () => {
      await runtime.stop();
      await coord.close();
      await client.close();
    },
  };
}
