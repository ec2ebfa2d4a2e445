// The /proc readings behind the memory ceiling and bench:memory: a tree includes its children,
// and private <= proportional <= resident for any set of processes.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { processMemoryMb, processTree, treeMemoryMb, uniqueResidentMb } from './memory.ts';

const child = spawn(process.execPath, ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], {
  stdio: ['ignore', 'pipe', 'ignore'],
});
// Measured once it runs its script (not while node is still loading).
const up = new Promise((resolve) => child.stdout.once('data', resolve));
afterAll(() => {
  child.kill('SIGKILL');
});

describe('memory', () => {
  it('finds a child in the tree and orders USS <= PSS <= RSS', () => {
    if (!child.pid) throw new Error('no child');
    expect(processTree(process.pid)).toContain(child.pid);
    const m = treeMemoryMb(process.pid);
    expect(m.processes).toBeGreaterThanOrEqual(2);
    expect(m.ussMb).toBeGreaterThan(0);
    expect(m.ussMb).toBeLessThanOrEqual(m.pssMb);
    expect(m.pssMb).toBeLessThanOrEqual(m.rssMb);
  });

  it('describes one process: its kind, and anonymous + file pages making up its RSS', () => {
    const p = processMemoryMb(process.pid);
    expect(p.kind).toBe('node');
    expect(Math.abs(p.anonMb + p.fileMb - p.rssMb)).toBeLessThanOrEqual(2);
  });

  it('counts a page frame once however many of the processes map it (root: frame numbers)', async () => {
    await up;
    if (!child.pid) throw new Error('no child');
    // The idle child, not this process: reading allocates, which would move our own figure.
    const alone = uniqueResidentMb([child.pid]);
    if (alone === undefined) return; // not root: /proc/<pid>/pagemap hides frame numbers
    const rss =
      Number(/^Rss:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/smaps_rollup`, 'utf8'))?.[1]) /
      1024;
    expect(alone).toBeGreaterThan(0);
    expect(alone).toBeLessThanOrEqual(Math.ceil(rss) + 1);
    // Listed twice, counted once (within 1 MB: the idle child may still touch a page or two).
    expect(Math.abs((uniqueResidentMb([child.pid, child.pid]) ?? 0) - alone)).toBeLessThanOrEqual(
      1,
    );
    // Two node processes share node's code: together less than the sum of their RSS.
    const both = uniqueResidentMb([process.pid, child.pid]) ?? 0;
    const sum = processMemoryMb(process.pid).rssMb + processMemoryMb(child.pid).rssMb;
    expect(both).toBeLessThan(sum);
  });
});
