// Applies the workspaces' retention periods (Settings → Workspace → "Delete conversations after"):
// at most once an hour, from a loop of the runtime's own (never the timers'), what is older than its workspace's period
// is deleted (see purgeExpired in @waflow/db). Idempotent: several runtimes sweeping the same
// database delete each row once.
import { purgeExpired, type Database } from '@waflow/db';
import type { Counters } from '@waflow/telemetry';
import type { Logger } from '../observability/logger.ts';

export const RETENTION_SWEEP_EVERY_MS = 3600_000;

export class RetentionSweeper {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: {
      db: Database;
      log: Logger;
      now: () => number;
      counters?: Counters;
      everyMs?: number;
    },
  ) {}

  /** Sweeps when the last sweep is an hour old (the first tick sweeps). */
  async tick(): Promise<void> {
    const now = this.deps.now();
    if (now - this.last < (this.deps.everyMs ?? RETENTION_SWEEP_EVERY_MS)) return;
    this.last = now;
    await this.sweep();
  }

  async sweep(): Promise<Awaited<ReturnType<typeof purgeExpired>>> {
    const deleted = await purgeExpired(this.deps.db, new Date(this.deps.now()));
    // On /metrics as waflow_runtime_events_total{name="retention_deleted_conversations"} and so on.
    for (const [kind, n] of Object.entries(deleted))
      if (n > 0) this.deps.counters?.inc(`retention_deleted_${kind}`, n);
    if (Object.values(deleted).some((n) => n > 0))
      this.deps.log.info({ deleted }, 'retention: deleted what was older than its workspace keeps');
    return deleted;
  }
}
