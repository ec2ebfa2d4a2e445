// What analytics counts of one turn, from what advance() decided: the blocks visited (entered,
// left towards which block, after how long; answers refused, http calls failed) per flow version
// × block × hour, and per flow × number × hour the conversations started, completed, abandoned
// and handed off and the bot's reply time. The turn's commit adds them up (countsWrite in
// @waflow/db), and counts the transcript lines it writes as messages in and out.
import { hourOf, timeBucket, type BlockCount, type HourCount } from '@waflow/db';
import type { ConversationState, Effect, Visit } from '@waflow/flow';

export interface TurnCounts {
  /** The flow the turn's transcript lines count under (null: no flow took them). */
  flowId: string | null;
  /** The hour the turn counts in (ISO); absent: the commit's. */
  hour?: string;
  blocks: BlockCount[];
  hours: HourCount[];
}

export function emptyCounts(): TurnCounts {
  return { flowId: null, blocks: [], hours: [] };
}

export interface CountedTurn {
  workspaceId: string;
  numberId: string;
  flowId: string;
  flowVersionId: string;
  now: Date;
  /** The turn opened the conversation. */
  started: boolean;
  state: ConversationState;
  effects: readonly Effect[];
  visits: readonly Visit[];
  /** When the message the turn answers arrived (absent: a timer, an http answer, an API start). */
  receivedAt?: Date;
}

/** Where a turn's messages count when no flow ran (a message no conversation took, a paused one). */
export function countMessages(counts: TurnCounts, flowId: string | null, now: Date): void {
  counts.flowId = flowId;
  counts.hour = hourOf(now);
}

export function countTurn(counts: TurnCounts, t: CountedTurn): void {
  const hour = hourOf(t.now);
  countMessages(counts, t.flowId, t.now);
  const block = (nodeId: string, metric: BlockCount['metric'], key = '') =>
    counts.blocks.push({
      workspaceId: t.workspaceId,
      flowId: t.flowId,
      flowVersionId: t.flowVersionId,
      nodeId,
      hour,
      metric,
      key,
      count: 1,
    });
  for (const v of t.visits) {
    switch (v.k) {
      case 'enter':
        block(v.node, 'entered');
        break;
      case 'leave':
        block(v.node, 'left', v.to ?? '');
        block(v.node, 'time', timeBucket(v.ms));
        break;
      case 'invalid':
      case 'http_failed':
        block(v.node, v.k);
        break;
      default: {
        const never: never = v;
        throw new Error(`unknown visit ${JSON.stringify(never)}`);
      }
    }
  }
  const hourly = (metric: HourCount['metric'], key = '') =>
    counts.hours.push({
      workspaceId: t.workspaceId,
      flowId: t.flowId,
      numberId: t.numberId,
      hour,
      metric,
      key,
      count: 1,
    });
  if (t.started) hourly('started');
  let replied = false;
  for (const e of t.effects) {
    if (e.type === 'handoff') hourly('handoffs');
    else if (e.type === 'send') replied = true;
    else if (e.type === 'end' && t.state.status === 'completed')
      hourly(e.reason === 'completed' ? 'completed' : 'abandoned');
  }
  if (replied && t.receivedAt)
    hourly('reply_ms', timeBucket(Math.max(0, t.now.getTime() - t.receivedAt.getTime())));
}
