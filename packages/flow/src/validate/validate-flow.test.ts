import { describe, expect, it } from 'vitest';
import { validateFlow } from './validate-flow.ts';
import type { FlowError } from './flow-error.ts';

/** A small valid flow each broken case changes one thing in. */
function base(): Record<string, unknown> & { nodes: Record<string, unknown>[] } {
  return {
    schemaVersion: 1,
    triggers: [{ type: 'keyword', keywords: ['hi'], match: 'exact' }],
    variables: [{ name: 'email', type: 'string' }],
    start: 'ask_email',
    nodes: [
      {
        id: 'ask_email',
        type: 'ask',
        prompt: 'Your email?',
        saveAs: 'email',
        validation: { kind: 'email' },
        next: 'thanks',
      },
      { id: 'thanks', type: 'end', message: 'Thanks {{email}}' },
    ],
  };
}

function errorsOf(mutate: (f: ReturnType<typeof base>) => void, ctx = {}): FlowError[] {
  const f = base();
  mutate(f);
  const r = validateFlow(f, ctx);
  return r.ok ? [] : r.errors;
}

const node = (f: ReturnType<typeof base>, i: number) => f.nodes[i] as Record<string, unknown>;

describe('validateFlow', () => {
  it('accepts a valid flow', () => {
    expect(validateFlow(base())).toMatchObject({ ok: true, errors: [] });
  });

  it('warns, without refusing, about an http block calling an address the egress policy refuses', () => {
    // The API passes @waflow/egress's check with the operator's policy; this stand-in refuses 10.*.
    const refusedHost = (host: string) =>
      host.startsWith('10.')
        ? {
            reason: `${host} is a private address (RFC 1918)`,
            allowWith: 'WAFLOW_EGRESS_ALLOW_CIDRS',
          }
        : undefined;
    const f = base();
    f.nodes[0] = {
      id: 'call',
      type: 'http',
      method: 'GET',
      url: 'http://10.0.0.1/x',
      next: 'thanks',
    };
    f.nodes.push({
      id: 'named',
      type: 'http',
      method: 'GET',
      url: 'https://{{email}}/x',
      next: 'thanks',
    });
    f.start = 'call';
    (f.nodes[0] as Record<string, unknown>).next = 'named';
    const r = validateFlow(f, { refusedHost });
    expect(r).toMatchObject({ ok: true, errors: [] });
    expect(r.warnings).toEqual([
      {
        code: 'INTERNAL_ADDRESS',
        nodeId: 'call',
        field: 'url',
        message:
          '10.0.0.1 is a private address (RFC 1918): this call will be blocked unless your operator allows it with WAFLOW_EGRESS_ALLOW_CIDRS. Use a public address if you can.',
      },
    ]);
    expect(validateFlow(f).warnings).toEqual([]);
  });

  it('accepts a flow that carries its id and name', () => {
    expect(validateFlow({ ...base(), id: 'lead-capture', name: 'Lead capture' }).ok).toBe(true);
  });

  const cases: {
    name: string;
    mutate: (f: ReturnType<typeof base>) => void;
    ctx?: { flowIds: string[] };
    error: FlowError;
  }[] = [
    {
      name: 'a required setting is missing',
      mutate: (f) => delete node(f, 0).prompt,
      error: {
        code: 'SCHEMA',
        nodeId: 'ask_email',
        field: 'prompt',
        message: '"Question" is missing: fill it in.',
      },
    },
    {
      name: 'an unknown block type',
      mutate: (f) => (node(f, 1).type = 'teleport'),
      error: {
        code: 'SCHEMA',
        nodeId: 'thanks',
        field: 'type',
        message:
          '"teleport" is not a known kind: use one of say, ask, condition, set, jump, subflow, return, loop, delay, split, webhook, http, handoff, end.',
      },
    },
    {
      name: 'an unknown answer kind',
      mutate: (f) => (node(f, 0).validation = { kind: 'colour' }),
      error: {
        code: 'SCHEMA',
        nodeId: 'ask_email',
        field: 'validation.kind',
        message:
          '"colour" is not a known kind: use one of text, number, email, phone, date, regex, choice, media.',
      },
    },
    {
      name: 'a setting that does not exist',
      mutate: (f) => (node(f, 1).colour = 'red'),
      error: {
        code: 'SCHEMA',
        nodeId: 'thanks',
        field: '',
        message: '"colour" is not a setting here: remove it.',
      },
    },
    {
      name: 'a wrong type',
      mutate: (f) => (node(f, 0).maxRetries = 'three'),
      error: {
        code: 'SCHEMA',
        nodeId: 'ask_email',
        field: 'maxRetries',
        message: '"Attempts before giving up" must be a whole number.',
      },
    },
    {
      name: 'an empty question',
      mutate: (f) => (node(f, 0).prompt = ''),
      error: {
        code: 'SCHEMA',
        nodeId: 'ask_email',
        field: 'prompt',
        message: '"Question" cannot be empty.',
      },
    },
    {
      name: 'a choice with one option',
      mutate: (f) => (node(f, 0).validation = { kind: 'choice', options: [{ label: 'Only' }] }),
      error: {
        code: 'SCHEMA',
        nodeId: 'ask_email',
        field: 'validation.options',
        message: '"Options" needs at least 2 entries.',
      },
    },
    {
      name: 'a block id with spaces',
      mutate: (f) => {
        node(f, 1).id = 'the end';
        node(f, 0).next = 'the end';
      },
      error: {
        code: 'SCHEMA',
        nodeId: 'the end',
        field: 'id',
        message:
          '"Block id" is not in the right form. Use only letters, digits, - and _ (at most 64).',
      },
    },
    {
      name: 'a variable name that is not allowed',
      mutate: (f) => (node(f, 0).saveAs = '1email'),
      error: {
        code: 'SCHEMA',
        nodeId: 'ask_email',
        field: 'saveAs',
        message:
          '"Save the answer in" is not in the right form. Start with a letter or _, then use only letters, digits and _ (at most 64).',
      },
    },
    {
      name: 'a number out of range',
      mutate: (f) => (node(f, 0).maxRetries = 99),
      error: {
        code: 'SCHEMA',
        nodeId: 'ask_email',
        field: 'maxRetries',
        message: '"Attempts before giving up" must be at most 10.',
      },
    },
    {
      name: 'a keyword match that is not a choice',
      mutate: (f) => (f.triggers = [{ type: 'keyword', keywords: ['hi'], match: 'maybe' }]),
      error: {
        code: 'SCHEMA',
        field: 'triggers[0].match',
        message: '"Match" must be one of: exact, contains.',
      },
    },
    {
      name: 'a location off the map',
      mutate: (f) => {
        node(f, 0).next = 'where';
        f.nodes.push({
          id: 'where',
          type: 'say',
          message: { kind: 'location', latitude: 100, longitude: 0 },
          next: 'thanks',
        });
      },
      error: {
        code: 'SCHEMA',
        nodeId: 'where',
        field: 'message.latitude',
        message: '"Latitude" must be at most 90.',
      },
    },
    {
      name: 'a dangling next',
      mutate: (f) => (node(f, 0).next = 'nowhere'),
      error: {
        code: 'NODE_NOT_FOUND',
        nodeId: 'ask_email',
        field: 'next',
        message: '"nowhere" is not a block of this flow: connect it to an existing block.',
      },
    },
    {
      name: 'a dangling choice path',
      mutate: (f) =>
        (node(f, 0).validation = {
          kind: 'choice',
          options: [
            { label: 'A', next: 'thanks' },
            { label: 'B', next: 'ghost' },
          ],
        }),
      error: {
        code: 'NODE_NOT_FOUND',
        nodeId: 'ask_email',
        field: 'validation.options[1].next',
        message: '"ghost" is not a block of this flow: connect it to an existing block.',
      },
    },
    {
      name: 'a start that does not exist',
      mutate: (f) => (f.start = 'begin'),
      error: {
        code: 'NODE_NOT_FOUND',
        field: 'start',
        message: '"begin" is not a block of this flow: connect it to an existing block.',
      },
    },
    {
      name: 'a trigger pointing at nothing',
      mutate: (f) => (f.triggers = [{ type: 'any', target: 'void' }]),
      error: {
        code: 'NODE_NOT_FOUND',
        field: 'triggers[0].target',
        message: '"void" is not a block of this flow: connect it to an existing block.',
      },
    },
    {
      name: 'an unreachable block',
      mutate: (f) =>
        f.nodes.push({ id: 'orphan', type: 'say', message: { kind: 'text', text: 'lost' } }),
      error: {
        code: 'UNREACHABLE_NODE',
        nodeId: 'orphan',
        field: 'id',
        message: 'No path leads to this block: connect it or delete it.',
      },
    },
    {
      name: 'two blocks with the same id',
      mutate: (f) => f.nodes.push({ id: 'thanks', type: 'end' }),
      error: {
        code: 'DUPLICATE_NODE_ID',
        nodeId: 'thanks',
        field: 'id',
        message: 'Two blocks are called "thanks": rename one of them.',
      },
    },
    {
      name: 'an undeclared variable in a template',
      mutate: (f) => (node(f, 1).message = 'Thanks {{emial}}'),
      error: {
        code: 'UNDECLARED_VARIABLE',
        nodeId: 'thanks',
        field: 'message',
        message:
          'The variable "emial" is not declared: add it to the flow\'s variables or fix the name.',
      },
    },
    {
      name: 'an answer saved in an undeclared variable',
      mutate: (f) => (node(f, 0).saveAs = 'mail'),
      error: {
        code: 'UNDECLARED_VARIABLE',
        nodeId: 'ask_email',
        field: 'saveAs',
        message:
          'The variable "mail" is not declared: add it to the flow\'s variables or fix the name.',
      },
    },
    {
      name: 'an undeclared variable in a condition',
      mutate: (f) => {
        node(f, 0).next = 'check';
        f.nodes.push({
          id: 'check',
          type: 'condition',
          branches: [{ when: { '==': [{ var: 'plan' }, 'pro'] }, next: 'thanks' }],
          else: 'thanks',
        });
      },
      error: {
        code: 'UNDECLARED_VARIABLE',
        nodeId: 'check',
        field: 'branches[0].when',
        message:
          'The variable "plan" is not declared: add it to the flow\'s variables or fix the name.',
      },
    },
    {
      name: 'an unknown operation in a condition',
      mutate: (f) => {
        node(f, 0).next = 'check';
        f.nodes.push({
          id: 'check',
          type: 'condition',
          branches: [{ when: { log: [{ var: 'email' }] }, next: 'thanks' }],
          else: 'thanks',
        });
      },
      error: {
        code: 'INVALID_CONDITION',
        nodeId: 'check',
        field: 'branches[0].when',
        message:
          'The rule uses "log", which is not a known operation: rebuild the rule in the editor.',
      },
    },
    {
      name: 'a broken regular expression',
      mutate: (f) => (node(f, 0).validation = { kind: 'regex', pattern: '([a-z' }),
      error: {
        code: 'INVALID_REGEX',
        nodeId: 'ask_email',
        field: 'validation.pattern',
        message:
          'This pattern is not a valid regular expression (Invalid regular expression: /([a-z/: Unterminated character class): correct it.',
      },
    },
    {
      name: 'a sub-flow that does not exist',
      mutate: (f) => {
        node(f, 0).next = 'call';
        f.nodes.push({ id: 'call', type: 'subflow', flowId: 'faq', next: 'thanks' });
      },
      ctx: { flowIds: ['support'] },
      error: {
        code: 'SUBFLOW_NOT_FOUND',
        nodeId: 'call',
        field: 'flowId',
        message: 'The flow "faq" does not exist in this workspace: pick another flow.',
      },
    },
    {
      name: 'a loop that never waits for the contact',
      mutate: (f) => {
        node(f, 0).next = 'a';
        f.nodes.push(
          { id: 'a', type: 'say', message: { kind: 'text', text: 'again' }, next: 'b' },
          { id: 'b', type: 'jump', target: 'a' },
        );
      },
      error: {
        code: 'LOOP_WITHOUT_INPUT',
        nodeId: 'a',
        field: 'next',
        message:
          'These blocks go round in a circle without waiting for the contact: a → b → a. Add a question or a wait in the circle, or break it.',
      },
    },
    {
      name: 'a response mapping that is not a path',
      mutate: (f) => {
        node(f, 0).next = 'call';
        f.nodes.push({
          id: 'call',
          type: 'http',
          method: 'GET',
          url: 'https://x.test',
          mappings: [{ variable: 'email', path: 'data.email' }],
          next: 'thanks',
        });
      },
      error: {
        code: 'INVALID_PATH',
        nodeId: 'call',
        field: 'mappings[0].path',
        message: '"data.email" is not a path into the answer: write it like $.data.items[0].name.',
      },
    },
    {
      name: 'a variable declared twice',
      mutate: (f) =>
        (f.variables = [
          { name: 'email', type: 'string' },
          { name: 'email', type: 'string' },
        ]),
      error: {
        code: 'DUPLICATE_VARIABLE',
        field: 'variables[1].name',
        message: 'The variable "email" is declared twice: remove one.',
      },
    },
    {
      name: 'no trigger at all',
      mutate: (f) => (f.triggers = []),
      error: {
        code: 'NO_TRIGGER',
        field: 'triggers',
        message: 'Nothing starts this flow: add a trigger (for example a keyword).',
      },
    },
    {
      name: 'an unsupported schema version',
      mutate: (f) => (f.schemaVersion = 7),
      error: { code: 'SCHEMA', field: 'schemaVersion', message: '"Schema version" must be 1.' },
    },
  ];

  it.each(cases)(
    'reports $name with the block, the field and what to change',
    ({ mutate, ctx, error }) => {
      expect(errorsOf(mutate, ctx)).toContainEqual(error);
    },
  );

  it('has at least 15 broken-flow cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it('refuses something that is not a flow at all with one clear error', () => {
    expect(validateFlow('hello')).toEqual({
      ok: false,
      errors: [{ code: 'SCHEMA', field: '', message: 'A flow must be a group of settings.' }],
      warnings: [],
    });
  });
});
