// The end of a turn: ending a conversation (cancel its timers, completed results, `end`), and
// settling one that goes on (partial results when variables changed, the conversation time-out).
import type { FlowConfig } from '../schema/types.ts';
import {
  mainVariables,
  publicVariables,
  variablesChanged,
  waitTimer,
} from './conversation-state.ts';
import type { Run } from './run.ts';
import type { AdvanceResult, EndReason, FlowEvent } from './types.ts';

export function finish(run: Run, reason: EndReason): void {
  const s = run.state;
  const timer = waitTimer(s.wait);
  if (timer) run.emit({ type: 'cancel_timer', timerId: timer });
  if (s.convTimer) run.emit({ type: 'cancel_timer', timerId: s.convTimer });
  // Results are the main flow's variables, even when the run ends inside a sub-flow.
  const vars = mainVariables(s);
  s.vars = vars;
  delete s.wait;
  delete s.tries;
  delete s.stack;
  delete s.flow;
  delete s.convTimer;
  delete s.since;
  s.status = 'completed';
  s.endReason = reason;
  run.emit({ type: 'results', status: 'completed', variables: publicVariables(vars) });
  run.emit({ type: 'end', reason });
}

/** After the blocks ran: partial results when variables changed, and the conversation timeout. */
export function settle(
  run: Run,
  flow: FlowConfig,
  event: FlowEvent,
  varsBefore: Record<string, unknown> | null,
): AdvanceResult {
  const s = run.state;
  if (s.status !== 'completed') {
    const after = mainVariables(s);
    if (varsBefore !== null && variablesChanged(varsBefore, after)) {
      run.emit({ type: 'results', status: 'partial', variables: publicVariables(after) });
    }
    const minutes = flow.settings?.conversationTimeoutMinutes;
    if (minutes && (event.type === 'message' || event.type === 'api_start' || !s.convTimer)) {
      if (s.convTimer) run.emit({ type: 'cancel_timer', timerId: s.convTimer });
      s.convTimer = run.setTimer(minutes * 60, 'conversation_timeout');
    }
  }
  return { state: s, effects: run.effects, visits: run.visits };
}
