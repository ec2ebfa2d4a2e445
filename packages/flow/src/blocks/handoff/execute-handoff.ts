// handoff: tell the contact, pass the conversation to a person; the bot stays quiet until
// released, then continues at `next`.
import type { HandoffNode } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { render } from '../../engine/template.ts';

export function executeHandoff(node: HandoffNode, run: Run): Step {
  if (node.message) run.say(render(node.message, run.scope));
  run.emit({ type: 'handoff', ...(node.reason ? { reason: node.reason } : {}) });
  run.state.wait = { k: 'handoff', node: node.id };
  return { wait: true };
}
