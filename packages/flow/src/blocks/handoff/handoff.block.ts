// handoff: tell the contact, pass the conversation to a person; the bot stays quiet until
// released, then continues at `next`.
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { render } from '../../engine/template.ts';
import { templateReads } from '../../graph/variable-refs.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { handoffMeta } from './handoff.meta.ts';

type HandoffNode = NodeOf<'handoff'>;

export function executeHandoff(node: HandoffNode, run: Run): Step {
  const scope = run.scope;
  if (node.message) run.say(render(node.message, scope));
  // The team's note may carry what the contact said ({{request}}).
  const reason = node.reason ? render(node.reason, scope) : '';
  run.emit({
    type: 'handoff',
    ...(reason ? { reason } : {}),
    ...(node.assignTo ? { assignTo: node.assignTo } : {}),
  });
  run.state.wait = { k: 'handoff', node: node.id };
  return { wait: true };
}

export const handoffBlock: BlockDefinition<HandoffNode> = {
  meta: handoffMeta,
  variables: (node) =>
    templateReads([
      ['message', node.message],
      ['reason', node.reason],
    ]),
  waits: true,
  execute: executeHandoff,
  resume: {
    // A person is answering: the bot stays quiet (no fallback text either).
    message: () => ({ wait: true }),
    handoff_released(node, run) {
      delete run.state.wait;
      return { go: node.next };
    },
  },
};
