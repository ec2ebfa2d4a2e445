// Resident memory (and CPU time) of a process and its children (a worker and its Chromium), read from /proc.
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';

/** Every process now running, from /proc/<pid>/stat: its command name, parent and CPU time used (s). */
export function processStats(): { pid: number; name: string; ppid: number; cpuSeconds: number }[] {
  const out: { pid: number; name: string; ppid: number; cpuSeconds: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; fields 3 on follow it (state,
      // ppid, …, utime and stime in clock ticks as fields 14 and 15).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({
        pid: Number(entry),
        name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        ppid: Number(f[1]),
        cpuSeconds: (Number(f[11]) + Number(f[12])) / 100,
      });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

export function processTree(root: number): number[] {
  const parentOf = new Map(processStats().map((p) => [p.pid, p.ppid]));
  const out = [root];
  for (let i = 0; i < out.length; i++)
    for (const [child, parent] of parentOf) if (parent === out[i]) out.push(child);
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

/** Pss and Uss (Private_Clean + Private_Dirty) of a process, in kB. */
function rollupKb(pid: number): { pss: number; uss: number } {
  try {
    const [pss = 0, clean = 0, dirty = 0] = fieldsKb(
      readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'),
      ['Pss', 'Private_Clean', 'Private_Dirty'],
    );
    return { pss, uss: clean + dirty };
  } catch {
    return { pss: 0, uss: 0 };
  }
}

/**
 * Resident memory of a tree, in MB. RSS: every page the processes map, shared ones (the node and
 * Chromium binaries' code, shared by every worker) counted in each. PSS: each page divided by the
 * number of processes mapping it, so the PSS of all processes adds up to the memory in use. USS:
 * pages no other process maps (what ending the tree frees).
 */
export function treeMemoryMb(root: number): {
  rssMb: number;
  pssMb: number;
  ussMb: number;
  processes: number;
} {
  const tree = processTree(root);
  let rss = 0;
  let pss = 0;
  let uss = 0;
  for (const pid of tree) {
    rss += statusKb(pid, 'VmRSS');
    const r = rollupKb(pid);
    pss += r.pss;
    uss += r.uss;
  }
  return {
    rssMb: Math.round(rss / 1024),
    pssMb: Math.round(pss / 1024),
    ussMb: Math.round(uss / 1024),
    processes: tree.length,
  };
}

function fieldsKb(text: string, fields: readonly string[]): number[] {
  const lines = text.split('\n');
  return fields.map((f) =>
    Number(
      lines
        .find((l) => l.startsWith(`${f}:`))
        ?.replace(/\D+/g, ' ')
        .trim()
        .split(' ')[0] ?? 0,
    ),
  );
}

/** One process of a tree, for breakdowns: what it is and where its resident pages come from. */
export function processMemoryMb(pid: number): {
  pid: number;
  kind: string;
  rssMb: number;
  anonMb: number;
  fileMb: number;
  pssMb: number;
  ussMb: number;
} {
  const mb = (kb: number | undefined) => Math.round((kb ?? 0) / 1024);
  let cmdline = '';
  let status = '';
  let rollup = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
    rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    // The process ended while we looked: zeros.
  }
  const [rss, anon, file] = fieldsKb(status, ['VmRSS', 'RssAnon', 'RssFile']);
  const [pss, privateClean, privateDirty] = fieldsKb(rollup, [
    'Pss',
    'Private_Clean',
    'Private_Dirty',
  ]);
  // Chromium names its children by --type (renderer, utility + sub-type, gpu-process…).
  const type = /--type=(\S+)/.exec(cmdline)?.[1];
  const sub = /--utility-sub-type=(\S+)/.exec(cmdline)?.[1];
  const kind = type
    ? `chromium ${type}${sub ? ` ${sub}` : ''}`
    : /chromium/.test(cmdline.split(' ')[0] ?? '')
      ? 'chromium browser'
      : ((cmdline.split(' ')[0] ?? '?').split('/').pop() ?? '?');
  return {
    pid,
    kind,
    rssMb: mb(rss),
    anonMb: mb(anon),
    fileMb: mb(file),
    pssMb: mb(pss),
    ussMb: mb((privateClean ?? 0) + (privateDirty ?? 0)),
  };
}

/**
 * The physical memory a set of processes keeps resident together, in MB: every page frame mapped
 * by any of them, counted once however many of them map it (read from /proc/<pid>/pagemap, which
 * gives frame numbers to root only: undefined otherwise). Unlike PSS it does not shrink when
 * unrelated processes on the host map the same files; unlike summed RSS it counts shared code once.
 */
export function uniqueResidentMb(pids: readonly number[]): number | undefined {
  const frames = new Set<number>();
  const entry = Buffer.alloc(8 * 4096);
  for (const pid of pids) {
    let smaps: string;
    let fd: number;
    try {
      smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
      fd = openSync(`/proc/${pid}/pagemap`, 'r');
    } catch {
      continue;
    }
    try {
      // Only the mappings with resident pages: Chromium and V8 reserve terabytes of address space.
      for (const m of smaps.matchAll(
        /^([0-9a-f]+)-([0-9a-f]+) [^\n]*\n(?:[^\n]*\n)*?Rss:\s+(\d+) kB/gm,
      )) {
        if (m[3] === '0') continue;
        const first = parseInt(m[1] ?? '0', 16) / 4096;
        const end = parseInt(m[2] ?? '0', 16) / 4096;
        for (let page = first; page < end; page += 4096) {
          const count = Math.min(4096, end - page);
          let got: number;
          try {
            got = readSync(fd, entry, 0, count * 8, page * 8);
          } catch {
            break; // [vsyscall] and the like cannot be read
          }
          for (let i = 0; i + 8 <= got; i += 8) {
            const v = entry.readBigUInt64LE(i);
            if (!(v >> 63n)) continue; // not present
            const pfn = Number(v & ((1n << 55n) - 1n));
            if (pfn === 0) return undefined; // frame numbers hidden: not root
            frames.add(pfn);
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  }
  return Math.round((frames.size * 4096) / 1024 / 1024);
}
