// handoff: tell the contact, pass the conversation to a person; the bot stays quiet until
// released, then continues at `next`.
import type { HandoffNode } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { render } from '../../engine/template.ts';

export function executeHandoff(node: HandoffNode, run: Run): Step {
  const scope = run.scope;
  if (node.message) run.say(render(node.message, scope));
  // The team's note may carry what the contact said ({{request}}).
  const reason = node.reason ? render(node.reason, scope) : '';
  run.emit({ type: 'handoff', ...(reason ? { reason } : {}) });
  run.state.wait = { k: 'handoff', node: node.id };
  return { wait: true };
}
