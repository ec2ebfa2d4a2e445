// The /proc readings behind the memory ceiling and bench:memory: a tree includes its children,
// and private <= proportional <= resident for any set of processes.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { processMemoryMb, processTree, treeMemoryMb } from './memory.ts';

const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
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
});
