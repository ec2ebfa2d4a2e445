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
