// Flows the tests and benchmarks share.

/**
 * The echo flow: asks, then asks again with the last answer in its question, for ever — exactly
 * one reply per inbound message ("say something", then "got <text>"), which makes order, loss and
 * doubles visible from the replies alone.
 */
export const echoFlow = {
  schemaVersion: 1,
  triggers: [{ type: 'any' }],
  variables: [{ name: 'x', type: 'string' }],
  start: 'q',
  nodes: [
    {
      id: 'q',
      type: 'ask',
      prompt: 'say something',
      saveAs: 'x',
      validation: { kind: 'text' },
      next: 'again',
    },
    {
      id: 'again',
      type: 'ask',
      prompt: 'got {{x}}',
      saveAs: 'x',
      validation: { kind: 'text' },
      next: 'again',
    },
  ],
};

/**
 * A shop's menu for the analytics tests: a choice that branches to a question or a handoff, one
 * retry before giving up to a person, and an end.
 */
export const shopFlow = {
  schemaVersion: 1,
  name: 'Shop',
  triggers: [{ type: 'any' }],
  variables: [
    { name: 'topic', type: 'string' },
    { name: 'name', type: 'string' },
  ],
  start: 'menu',
  nodes: [
    {
      id: 'menu',
      type: 'ask',
      prompt: 'What do you need?',
      saveAs: 'topic',
      maxRetries: 1,
      onInvalid: 'human',
      validation: {
        kind: 'choice',
        options: [
          { label: 'Buy', value: 'buy', next: 'sales' },
          { label: 'Help', value: 'help', next: 'help' },
        ],
      },
      next: 'sales',
    },
    {
      id: 'sales',
      type: 'ask',
      prompt: 'Your name?',
      saveAs: 'name',
      validation: { kind: 'text' },
      next: 'bye',
    },
    { id: 'bye', type: 'end', message: 'Thanks {{name}}' },
    { id: 'help', type: 'handoff', message: 'A person will answer you here.' },
    { id: 'human', type: 'handoff', message: 'Let me find someone to help.' },
  ],
  ui: {
    positions: {
      __start__: { x: 300, y: -160 },
      menu: { x: 300, y: 0 },
      sales: { x: 0, y: 260 },
      help: { x: 300, y: 260 },
      human: { x: 600, y: 260 },
      bye: { x: 0, y: 480 },
    },
  },
};

/**
 * Contacts going through shopFlow: each one's messages in order, with the replies each gets —
 * completed, handed off, retried then stopped, stopped at once, retried past the limit.
 */
export const shopScripts: { contact: string; says: [string, number][] }[] = [
  // menu → sales → bye: completed
  {
    contact: 'ann',
    says: [
      ['hi', 1],
      ['1', 1],
      ['Ann', 1],
    ],
  },
  // menu → help: handed off
  {
    contact: 'bob',
    says: [
      ['hi', 1],
      ['2', 1],
    ],
  },
  // an invalid answer retried, then menu → sales, and no name: stops at sales
  {
    contact: 'cid',
    says: [
      ['hi', 1],
      ['pizza', 1],
      ['1', 1],
    ],
  },
  // never answers the menu: stops at menu
  { contact: 'dee', says: [['hi', 1]] },
  // two invalid answers: past the retries, menu → human (handed off)
  {
    contact: 'eve',
    says: [
      ['hi', 1],
      ['x', 1],
      ['y', 1],
    ],
  },
];
