// end: an optional last message, then the conversation is complete.
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { render } from '../../engine/template.ts';
import { templateReads } from '../../graph/variable-refs.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { endMeta } from './end.meta.ts';

type EndNode = NodeOf<'end'>;

export function executeEnd(node: EndNode, run: Run): Step {
  if (node.message) run.say(render(node.message, run.scope));
  return { end: 'completed' };
}

export const endBlock: BlockDefinition<EndNode> = {
  meta: endMeta,
  variables: (node) => templateReads([['message', node.message]]),
  waits: false,
  execute: executeEnd,
};
