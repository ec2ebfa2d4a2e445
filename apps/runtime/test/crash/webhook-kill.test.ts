// Webhook deliveries survive a killed process: a deliverer process is SIGKILLed again and again
// while 300 events go out to a slow local receiver; in the end every event arrived at least
// once, always under its own stable webhook-id, and every delivery row says delivered.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createKeyring, createWorkspace, schema, type DbClient } from '@waflow/db';
import { enqueueWebhookEvent } from '@waflow/db';
import { generateWebhookSecret } from '@waflow/egress';
import { freshDatabase, waitFor } from '../fixtures.ts';

const EVENTS = 300;
const script = fileURLToPath(new URL('./deliverer-child.ts', import.meta.url));

describe('webhook deliveries when the process is killed', () => {
  let client: DbClient;
  let server: Server;
  const received = new Map<string, number>();
  const bodies = new Map<string, string>();
  const children: ChildProcess[] = [];
  const keyHex = randomBytes(32).toString('hex');

  beforeAll(async () => {
    client = await freshDatabase(inject('pgUrl'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const id = String(req.headers['webhook-id']);
        received.set(id, (received.get(id) ?? 0) + 1);
        bodies.set(id, body);
        // Slow enough that kills land in the middle of deliveries.
        setTimeout(() => res.writeHead(200).end('ok'), 5);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await new Promise<void>((r) => server.close(() => r()));
    await client.close();
  });

  const start = () => {
    const proc = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, DATABASE_URL: client.url ?? '', KEY_HEX: keyHex },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(proc);
    return new Promise<ChildProcess>((resolve, reject) => {
      proc.once('exit', (code) =>
        reject(new Error(`deliverer exited (${code}) before it was ready`)),
      );
      proc.on('message', () => resolve(proc));
    });
  };
  const kill = (proc: ChildProcess) =>
    new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });

  it(
    'delivers every event at least once, each under one stable webhook-id',
    { timeout: 180_000 },
    async () => {
      const keyring = createKeyring({ k1: Buffer.from(keyHex, 'hex') }, 'k1');
      const ws = await createWorkspace(client.db, 'kill');
      const port = (server.address() as AddressInfo).port;
      await client.db.insert(schema.webhookEndpoints).values({
        workspaceId: ws.id,
        url: `http://127.0.0.1:${port}/hook`,
        secret: keyring.encrypt(generateWebhookSecret()),
        events: ['*'],
      });
      const ids = Array.from({ length: EVENTS }, (_, i) => `evt_kill_${i}`);
      await client.db.transaction(async (tx) => {
        for (const [i, id] of ids.entries())
          await enqueueWebhookEvent(tx, {
            id,
            type: 'message.received',
            workspaceId: ws.id,
            occurredAt: new Date(),
            data: {
              numberId: randomUUID(),
              contact: `3460000${i}@c.us`,
              type: 'text',
              text: `n${i}`,
            },
          });
      });

      let seed = 11;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let round = 0; round < 5; round++) {
        const child = await start();
        await new Promise((r) => setTimeout(r, 200 + random() * 400));
        await kill(child);
      }
      expect(received.size, 'some deliveries were made before the last process').toBeGreaterThan(0);
      await start();
      await waitFor(
        async () => {
          const rows = await client.db
            .select({ status: schema.webhookDeliveries.status })
            .from(schema.webhookDeliveries);
          return rows.every((r) => r.status === 'delivered') ? true : undefined;
        },
        120_000,
        'every delivery delivered',
      );

      expect([...received.keys()].sort()).toEqual([...ids].sort());
      for (const id of ids) expect(JSON.parse(bodies.get(id) ?? '{}').id, id).toBe(id);
    },
  );
});
