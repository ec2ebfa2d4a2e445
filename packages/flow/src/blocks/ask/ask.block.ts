// ask: send the question (choices as a numbered menu, with the menu beside it for channels that
// render buttons or lists: the Cloud API; WhatsApp Web no longer delivers them), wait for the
// reply, check it, retry, give up after the maximum, or time out.
import type { NodeOf } from '../../schema/types.ts';
import type { Run, Step } from '../../engine/run.ts';
import type { InboundContent, Menu } from '../../engine/types.ts';
import { render } from '../../engine/template.ts';
import { templateReads } from '../../graph/variable-refs.ts';
import { regexError } from '../../validate/rule-checks.ts';
import type { BlockDefinition } from '../block-definition.ts';
import { askMeta } from './ask.meta.ts';
import { checkAnswer } from './validate-answer.ts';

type AskNode = NodeOf<'ask'>;

export const DEFAULT_MAX_RETRIES = 2;

/** The question as sent: its text (a numbered menu for choices) and, for choices, the menu. */
export function question(
  node: AskNode,
  vars: Readonly<Record<string, unknown>>,
  prefix?: string,
): { text: string; menu?: Menu } {
  const body = render(prefix ?? node.prompt, vars);
  if (node.validation.kind !== 'choice') return { text: body };
  const options = node.validation.options.map((o) => render(o.label, vars));
  const numbered = options.map((label, i) => `${i + 1}. ${label}`).join('\n');
  return { text: `${body}\n\n${numbered}\n\nReply with a number.`, menu: { body, options } };
}

export function questionText(
  node: AskNode,
  vars: Readonly<Record<string, unknown>>,
  prefix?: string,
): string {
  return question(node, vars, prefix).text;
}

export function executeAsk(node: AskNode, run: Run): Step {
  const q = question(node, run.scope);
  run.say(q.text, q.menu);
  const timer = node.timeoutSeconds ? run.setTimer(node.timeoutSeconds, 'ask_timeout') : undefined;
  run.state.wait = timer ? { k: 'input', node: node.id, timer } : { k: 'input', node: node.id };
  delete run.state.tries;
  return { wait: true };
}

export function resumeAsk(node: AskNode, run: Run, answer: InboundContent): Step {
  const wait = run.state.wait;
  const check = checkAnswer(node, answer);
  if (check.ok) {
    if (wait?.k === 'input' && wait.timer) run.emit({ type: 'cancel_timer', timerId: wait.timer });
    run.state.vars[node.saveAs] = check.value;
    delete run.state.wait;
    delete run.state.tries;
    const option =
      node.validation.kind === 'choice' && check.option !== undefined
        ? node.validation.options[check.option]
        : undefined;
    return { go: option?.next ?? node.next };
  }
  run.visit({ k: 'invalid', node: node.id });
  const tries = (run.state.tries ?? 0) + 1;
  if (tries > (node.maxRetries ?? DEFAULT_MAX_RETRIES)) {
    if (wait?.k === 'input' && wait.timer) run.emit({ type: 'cancel_timer', timerId: wait.timer });
    delete run.state.wait;
    delete run.state.tries;
    if (node.onInvalid) return { go: node.onInvalid };
    run.say("Sorry, I couldn't understand your answer. Let's stop here for now.");
    return { end: 'completed' };
  }
  run.state.tries = tries;
  const retry = node.retryPrompt
    ? question(node, run.scope, node.retryPrompt)
    : question(node, run.scope, `Sorry, that doesn't look right. ${node.prompt}`);
  run.say(retry.text, retry.menu);
  return { wait: true };
}

export function timeoutAsk(node: AskNode, run: Run): Step {
  delete run.state.wait;
  delete run.state.tries;
  return node.onTimeout ? { go: node.onTimeout } : { end: 'expired' };
}

export const askBlock: BlockDefinition<AskNode> = {
  meta: askMeta,
  variables(node) {
    const uses = templateReads([
      ['prompt', node.prompt],
      ['retryPrompt', node.retryPrompt],
    ]);
    uses.writes.push({ field: 'saveAs', name: node.saveAs });
    return uses;
  },
  waits: true,
  check(node) {
    if (node.validation.kind !== 'regex') return [];
    const err = regexError(node.validation.pattern, node.validation.flags);
    return err
      ? [
          {
            code: 'INVALID_REGEX',
            field: 'validation.pattern',
            message: `This pattern is not a valid regular expression (${err}): correct it.`,
          },
        ]
      : [];
  },
  execute: executeAsk,
  resume: { message: resumeAsk, timer: timeoutAsk },
};
