// A runtime in its own process for the crash tests: serves one number through a sandbox channel,
// takes inbound messages over IPC and acknowledges each once it is persisted.
import { createRedisCoordinator } from '@waflow/coord';
import { createDb } from '@waflow/db';
import pino from 'pino';
import { Runtime } from '../../src/runtime.ts';

interface Incoming {
  messageId: string;
  from: string;
  text: string;
}

const client = await createDb({ url: process.env.DATABASE_URL ?? '' });
const coord = createRedisCoordinator({
  url: process.env.REDIS_URL ?? '',
  prefix: process.env.REDIS_PREFIX ?? 'crash:',
});
const pauseAtCommit = process.env.PAUSE_AT_COMMIT === '1';
const runtime = new Runtime({
  client,
  coord,
  log: pino({ level: 'silent' }),
  outbox: { pacing: { ratePerSec: 100_000, burst: 100_000 } },
  recoverMs: 200,
  ...(pauseAtCommit
    ? {
        // Tell the parent we are between advance() and the commit, then give it time to SIGSTOP us.
        beforeCommit: async () => {
          process.send?.({ atCommit: true });
          await new Promise((r) => setTimeout(r, 300));
        },
      }
    : {}),
});
await runtime.start();
await runtime.attachSandbox(process.env.NUMBER_ID ?? '');
process.on('message', (m: Incoming | 'counters') => {
  if (m === 'counters') {
    process.send?.({ counters: runtime.counters.snapshot() });
    return;
  }
  void runtime
    .receive(process.env.NUMBER_ID ?? '', {
      messageId: m.messageId,
      from: m.from,
      type: 'text',
      text: m.text,
      timestamp: Date.now(),
    })
    .then(() => process.send?.({ ack: m.messageId }));
});
process.send?.({ ready: true });
