// say: send text (templated), media, a location or an approved WhatsApp template, then go on.
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { render, renderUrl } from '../../engine/template.ts';
import { fromValue, type VariableUse } from '../../graph/variable-refs.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { sayMeta } from './say.meta.ts';

type SayNode = NodeOf<'say'>;

/** What a channel without templates sends when the block sets no fallback text: `name: p1, p2`. */
export function templateFallback(name: string, parameters: readonly string[]): string {
  return parameters.length ? `${name}: ${parameters.join(', ')}` : name;
}

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
  } else if (m.kind === 'template') {
    const parameters = m.parameters.map((p) => render(p, vars));
    run.emit({
      type: 'send',
      message: {
        kind: 'template',
        name: m.name,
        language: m.language,
        parameters,
        ...(m.contentSid ? { contentSid: m.contentSid } : {}),
        text: m.fallbackText ? render(m.fallbackText, vars) : templateFallback(m.name, parameters),
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
    if (node.message.kind === 'template') {
      fromValue('message.parameters', node.message.parameters, reads);
      fromValue('message.fallbackText', node.message.fallbackText, reads);
    }
    return { reads, writes: [] };
  },
  waits: false,
  execute: executeSay,
};
