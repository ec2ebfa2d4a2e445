import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScripts } from '../examples/load-examples.ts';
import { advance } from './advance.ts';
import type { ConversationState, Effect, FlowEvent } from './types.ts';

const scripts = loadScripts();

/** Arbitrary events, some aimed at ids the conversation really has out (timers, requests). */
const eventArb: fc.Arbitrary<(known: string[]) => FlowEvent> = fc.oneof(
  fc
    .string({ maxLength: 40 })
    .map((text) => () => ({ type: 'message' as const, message: { kind: 'text' as const, text } })),
  fc
    .constantFrom(
      '1',
      '2',
      '3',
      'yes',
      'no',
      'stop',
      'menu',
      'hi',
      'ana@example.com',
      '2026-12-04',
      '#12345',
      '5',
    )
    .map((text) => () => ({ type: 'message' as const, message: { kind: 'text' as const, text } })),
  fc.constant(() => ({
    type: 'message' as const,
    message: { kind: 'media' as const, ref: 'm/1', mimeType: 'image/png' },
  })),
  fc.constant(() => ({
    type: 'message' as const,
    message: { kind: 'location' as const, latitude: 1, longitude: 2 },
  })),
  fc
    .tuple(
      fc.integer({ min: -2, max: 12 }),
      fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    )
    .map(([option, label]) => () => ({
      type: 'message' as const,
      message: { kind: 'choice' as const, option, ...(label === undefined ? {} : { label }) },
    })),

  fc.nat(20).map((i) => (known: string[]) => ({
    type: 'timer' as const,
    timerId: known[i % Math.max(1, known.length)] ?? 'x',
  })),
  fc
    .tuple(
      fc.nat(20),
      fc.constantFrom('response', 'timeout', 'error') as fc.Arbitrary<
        'response' | 'timeout' | 'error'
      >,
      fc.integer({ min: 100, max: 599 }),
      fc.jsonValue(),
    )
    .map(([i, outcome, status, body]) => (known: string[]) => ({
      type: 'http_response' as const,
      requestId: known[i % Math.max(1, known.length)] ?? 'x',
      outcome,
      status,
      body,
    })),
  fc.constant(() => ({ type: 'handoff_released' as const })),
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue())
    .map((variables) => () => ({ type: 'api_start' as const, variables })),
);

function run(script: (typeof scripts)[number], makers: ((known: string[]) => FlowEvent)[]) {
  let state: ConversationState | null = null;
  const known: string[] = [];
  const trace: { state: ConversationState | null; effects: Effect[] }[] = [];
  makers.forEach((make, i) => {
    const r = advance(
      script.flow,
      state,
      make(known),
      1_700_000_000_000 + i * 1000,
      script.subflows,
    );
    for (const e of r.effects) known.push(e.id);
    state = r.state;
    trace.push(r);
  });
  return trace;
}

describe('advance on arbitrary input', () => {
  for (const script of scripts) {
    it(`never throws and is deterministic for ${script.name}`, () => {
      fc.assert(
        fc.property(fc.array(eventArb, { maxLength: 25 }), (makers) => {
          const a = run(script, makers);
          const b = run(script, makers);
          expect(b).toEqual(a);
          for (const step of a) expect(JSON.parse(JSON.stringify(step.state))).toEqual(step.state);
        }),
        { numRuns: 300 },
      );
    });
  }
});
