// The campaign loop's job: ticks again as soon as a number's pacer allows (a fast pace is not held
// to the loop's interval), for at most a second (a stop waits for the job), then lets the loop
// run it again.
import type { CampaignWorker } from './campaign-worker.ts';

export function campaignJob(
  worker: CampaignWorker,
  now: () => number,
  everyMs: number,
): () => Promise<void> {
  return async () => {
    const until = Date.now() + Math.max(everyMs, 1_000);
    for (let first = true; ; first = false) {
      const { nextAt } = await worker.tick({ follow: first });
      if (nextAt === null) return;
      const wait = nextAt - now();
      if (wait > everyMs || Date.now() + Math.max(0, wait) > until) return;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };
}
