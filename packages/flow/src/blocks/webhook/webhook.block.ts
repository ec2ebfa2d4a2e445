// webhook: hand an event to the runtime for signed delivery (fire and forget).
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import { render } from '../../engine/template.ts';
import { templateReads } from '../../graph/variable-refs.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { webhookMeta } from './webhook.meta.ts';

type WebhookNode = NodeOf<'webhook'>;

export function executeWebhook(node: WebhookNode, run: Run): Step {
  // Fields are templates (they may read now); "all variables" is the variables themselves.
  const scope = run.scope;
  const payload = node.payload
    ? Object.fromEntries(Object.entries(node.payload).map(([k, t]) => [k, render(t ?? '', scope)]))
    : { ...run.state.vars };
  run.emit({ type: 'webhook', event: node.event, payload });
  return { go: node.next };
}

export const webhookBlock: BlockDefinition<WebhookNode> = {
  meta: webhookMeta,
  variables: (node) => templateReads([['payload', node.payload]]),
  waits: false,
  execute: executeWebhook,
};
