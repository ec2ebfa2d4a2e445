import { expect, it } from 'vitest';
import { runContract } from './coordinator.case.test.ts';
import { createInProcessCoordinator } from './in-process.ts';
import { createKeyQueue } from './key-queue.ts';

runContract({ name: 'in-process', create: (events) => createInProcessCoordinator(events) });

it('keeps no trace of a key once its holders and waiters are gone', async () => {
  const q = createKeyQueue();
  const release = await q.acquire('k', 1000);
  const waiter = q.acquire('k', 1000);
  await expect(q.acquire('k', 10)).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
  release();
  (await waiter)();
  expect(q.size()).toBe(0);
});

it("hands a timed-out waiter's turn to the next one in line", async () => {
  const q = createKeyQueue();
  const release = await q.acquire('k', 1000);
  const impatient = q.acquire('k', 10);
  const patient = q.acquire('k', 5_000);
  await expect(impatient).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
  release();
  (await patient)();
  expect(q.size()).toBe(0);
});
