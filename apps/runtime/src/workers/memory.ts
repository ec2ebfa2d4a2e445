// Resident memory of a process and its children (a worker and its Chromium), read from /proc.
import { readFileSync, readdirSync } from 'node:fs';

export function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [child, parent] of parentOf) if (parent === out[i]) out.push(child);
  return out;
}

function statusKb(pid: number, field: string): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.replace(/\D+/g, ' ').trim().split(' ')[0]) : 0;
  } catch {
    return 0;
  }
}

function pssKb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Pss:'));
    return line ? Number(line.replace(/\D+/g, ' ').trim().split(' ')[0]) : 0;
  } catch {
    return 0;
  }
}

/** RSS (shared pages counted in each process) and PSS (shared pages split) of a tree, in MB. */
export function treeMemoryMb(root: number): { rssMb: number; pssMb: number; processes: number } {
  const tree = processTree(root);
  let rss = 0;
  let pss = 0;
  for (const pid of tree) {
    rss += statusKb(pid, 'VmRSS');
    pss += pssKb(pid);
  }
  return { rssMb: Math.round(rss / 1024), pssMb: Math.round(pss / 1024), processes: tree.length };
}
