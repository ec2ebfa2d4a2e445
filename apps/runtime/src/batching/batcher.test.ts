import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.ts';

describe('Batcher', () => {
  it('writes what arrives while a write is in flight together, answering each caller with its own result', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const b = new Batcher<number, string>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => `r${i}`);
    });
    const first = b.add(1);
    await new Promise((r) => setImmediate(r)); // the first write is in flight
    const rest = [b.add(2), b.add(3), b.add(4)];
    release();
    expect(await first).toBe('r1');
    expect(await Promise.all(rest)).toEqual(['r2', 'r3', 'r4']);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('writes what arrives in the same burst of callbacks in one batch', async () => {
    const batches: number[][] = [];
    const b = new Batcher<number>(async (items) => {
      batches.push(items);
      return items.map(() => undefined);
    });
    // Added from separate promise jobs of one burst, as a hundred messages arriving together are.
    await Promise.all([1, 2, 3].map((i) => Promise.resolve().then(() => b.add(i))));
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('splits a failed batch so only the bad item fails, and the others are written', async () => {
    const written: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const b = new Batcher<number>(async (items) => {
      calls += 1;
      if (calls === 1) await gate;
      if (items.includes(13)) throw new Error(`13 is bad (batch of ${items.length})`);
      written.push(...items);
      return items.map(() => undefined);
    });
    const head = b.add(0);
    await new Promise((r) => setImmediate(r));
    const batch = [b.add(12), b.add(13), b.add(14)].map((p) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e as Error).message,
      ),
    );
    release();
    await head;
    expect(await Promise.all(batch)).toEqual(['ok', '13 is bad (batch of 1)', 'ok']);
    expect(written.sort((x, y) => x - y)).toEqual([0, 12, 14]);
  });

  it('keeps at most `concurrency` writes in flight and at most `maxBatch` items in one', async () => {
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    const b = new Batcher<number>(
      async (items) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        sizes.push(items.length);
        await new Promise((r) => setImmediate(r));
        inFlight -= 1;
        return items.map(() => undefined);
      },
      { concurrency: 2, maxBatch: 3 },
    );
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.add(i)));
    expect(most).toBe(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, s) => a + s, 0)).toBe(20);
  });
});
