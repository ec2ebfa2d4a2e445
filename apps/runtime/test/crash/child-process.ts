// Starts and talks to runtime-child.ts (or another child script of this folder).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./runtime-child.ts', import.meta.url));

export interface Child {
  proc: ChildProcess;
  acks: Set<string>;
  ready: Promise<void>;
  onMessage(handler: (m: Record<string, unknown>) => void): void;
}

/** `child`: the script to run (runtime-child.ts unless told). */
export function startChild(env: Record<string, string>, child: string = script): Child {
  const proc = fork(child, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const acks = new Set<string>();
  const handlers: ((m: Record<string, unknown>) => void)[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready`)));
    proc.on('message', (raw) => {
      const m = raw as Record<string, unknown>;
      if (m.ready) resolve();
      if (typeof m.ack === 'string') acks.add(m.ack);
      for (const h of handlers) h(m);
    });
  });
  ready.catch(() => undefined);
  return { proc, acks, ready, onMessage: (h) => handlers.push(h) };
}

export function kill(child: Child, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return resolve();
    child.proc.once('exit', () => resolve());
    child.proc.kill(signal);
  });
}
