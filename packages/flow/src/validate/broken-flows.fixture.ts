// Broken flows the validator must explain: a small valid flow, and the cases that change one
// thing of its shape in it (the cases about references and the graph: broken-graphs.fixture.ts).
import type { FlowError } from './flow-error.ts';

/** A small valid flow each broken case changes one thing in. */
export function base(): Record<string, unknown> & { nodes: Record<string, unknown>[] } {
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

export const node = (f: ReturnType<typeof base>, i: number) =>
  f.nodes[i] as Record<string, unknown>;

export interface BrokenCase {
  name: string;
  mutate: (f: ReturnType<typeof base>) => void;
  ctx?: { flowIds: string[] };
  error: FlowError;
}

export const schemaCases: BrokenCase[] = [
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
];
