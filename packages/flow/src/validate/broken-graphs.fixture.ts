// Broken flows the validator must explain: the cases about references and the graph (dangling
// paths, unreachable blocks, undeclared variables, loops that never wait).
import { node, type BrokenCase } from './broken-flows.fixture.ts';

export const graphCases: BrokenCase[] = [
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
