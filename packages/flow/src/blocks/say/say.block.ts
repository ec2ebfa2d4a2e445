// say: send text (templated), media or a location, then go on.
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { render, renderUrl } from '../../engine/template.ts';
import { fromValue, type VariableUse } from '../../graph/variable-refs.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { sayMeta } from './say.meta.ts';

type SayNode = NodeOf<'say'>;

export function executeSay(node: SayNode, run: Run): Step {
  const m = node.message;
  const vars = run.scope;
  if (m.kind === 'text') run.say(render(m.text, vars));
  else if (m.kind === 'media') {
    run.emit({
      type: 'send',
      message: {
        kind: 'media',
        mediaType: m.mediaType,
        url: renderUrl(m.url, vars),
        ...(m.caption ? { caption: render(m.caption, vars) } : {}),
        ...(m.fileName ? { fileName: m.fileName } : {}),
      },
    });
  } else {
    run.emit({
      type: 'send',
      message: {
        kind: 'location',
        latitude: m.latitude,
        longitude: m.longitude,
        ...(m.name ? { name: m.name } : {}),
      },
    });
  }
  return { go: node.next };
}

export const sayBlock: BlockDefinition<SayNode> = {
  meta: sayMeta,
  variables(node) {
    const reads: VariableUse[] = [];
    if (node.message.kind === 'text') fromValue('message.text', node.message.text, reads);
    if (node.message.kind === 'media') {
      fromValue('message.url', node.message.url, reads);
      fromValue('message.caption', node.message.caption, reads);
    }
    return { reads, writes: [] };
  },
  waits: false,
  execute: executeSay,
};
