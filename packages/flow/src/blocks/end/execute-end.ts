// end: an optional last message, then the conversation is complete.
import type { EndNode } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { render } from '../../engine/template.ts';

export function executeEnd(node: EndNode, run: Run): Step {
  if (node.message) run.say(render(node.message, run.scope));
  return { end: 'completed' };
}
