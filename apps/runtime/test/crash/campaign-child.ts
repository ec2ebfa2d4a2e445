// A runtime in its own process for the campaign crash test: serves one sandbox number (Redis
// locks) and runs its campaign loop; each message the channel sends is appended to SENT_LOG.
import { appendFileSync } from 'node:fs';
import { createRedisCoordinator } from '@waflow/coord';
import { createDb } from '@waflow/db';
import pino from 'pino';
import { Runtime } from '../../src/runtime.ts';
import { SANDBOX_PACING } from '../../src/runtime-options.ts';
import { SandboxChannel } from '../../src/channels/sandbox/sandbox-channel.ts';

const client = await createDb({ url: process.env.DATABASE_URL ?? '' });
const coord = createRedisCoordinator({
  url: process.env.REDIS_URL ?? '',
  prefix: process.env.REDIS_PREFIX ?? 'crash:',
});
const runtime = new Runtime({
  client,
  coord,
  log: pino({ level: 'silent' }),
  outbox: { pacing: { ratePerSec: 100_000, burst: 100_000 } },
  pollMs: 50,
  recoverMs: 200,
});
await runtime.start();
const sandbox = new SandboxChannel(process.env.NUMBER_ID ?? '');
// Written synchronously, before the outbox marks the row sent (an IPC message could be lost to a
// SIGKILL while in flight), and listened to before the number is attached: the outbox sends what
// the last process left queued while attach is still under way.
sandbox.onSent((s) => appendFileSync(process.env.SENT_LOG ?? '', `${s.message.to}\n`));
await runtime.attach(sandbox.numberId, sandbox, { pacing: SANDBOX_PACING });
process.send?.({ ready: true });
