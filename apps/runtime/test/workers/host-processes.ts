// The processes of a runtime host started by a test (host-main.ts with its own pm2 home): pm2's
// daemon and workers from their pid files, the Chromium processes by their debugging port, and
// the means to check on them and kill them.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Host {
  id: string;
  dir: string;
  port: number;
  proc: ChildProcess;
}

/** pm2's daemon and its workers for a host, from the pid files in its pm2 home. */
export function pm2Pids(host: Host): number[] {
  const home = join(host.dir, 'pm2');
  const pids: number[] = [];
  if (existsSync(join(home, 'pm2.pid')))
    pids.push(Number(readFileSync(join(home, 'pm2.pid'), 'utf8')));
  if (existsSync(join(home, 'pids')))
    for (const f of readdirSync(join(home, 'pids')))
      pids.push(Number(readFileSync(join(home, 'pids', f), 'utf8')));
  return pids.filter((p) => p > 0);
}
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Chromium processes started with this host's debugging port. */
export function chromiumPids(host: Host): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (
        readFileSync(join('/proc', entry, 'cmdline'), 'utf8').includes(
          `--remote-debugging-port=${host.port}`,
        )
      )
        out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
export const kill = (pids: number[]) => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};
