// Whether the coordinator (Redis) answers, checked every `everyMs` when it is Redis. While it
// does not, conversations wait (see Runtime.coordinationReady); on recovery `onRecovered` runs.
import type { Coordinator } from '@waflow/coord';
import type { Logger } from './observability/logger.ts';

export class CoordinationWatch {
  private state = true;
  private loop: NodeJS.Timeout | undefined;

  constructor(
    private readonly coord: Coordinator,
    private readonly log: Logger,
    private readonly everyMs: number,
    private readonly onRecovered: () => Promise<unknown>,
  ) {}

  get ok(): boolean {
    return this.state;
  }

  /** Waits a few seconds for Redis to answer, then checks it every `everyMs`. */
  async start(): Promise<void> {
    if (this.coord.kind === 'redis') {
      // The connection may still be opening: give it a few seconds before calling Redis down.
      const deadline = Date.now() + 5_000;
      while (!(await this.coord.health().catch(() => ({ ok: false }))).ok && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      await this.check();
      this.loop = setInterval(() => void this.check(), this.everyMs);
    }
  }

  /** Checks the coordinator now; on recovery, runs `onRecovered`. */
  async check(): Promise<boolean> {
    const h = await this.coord.health().catch((err: unknown) => ({
      ok: false,
      detail: err instanceof Error ? err.message : String(err),
    }));
    if (h.ok !== this.state) {
      this.state = h.ok;
      if (h.ok) {
        this.log.info('Redis is reachable again: conversations resume');
        await this.onRecovered();
      } else
        this.log.warn(
          { detail: h.detail },
          'Redis is unreachable: conversations wait (inbound is kept), the simulator is refused',
        );
    }
    return h.ok;
  }

  stop(): void {
    if (this.loop) clearInterval(this.loop);
  }
}
