import { describe, expect, it } from 'vitest';
import { flow, play, text, texts } from '../../engine/test-harness.ts';
import { validateFlow } from '../../validate/validate-flow.ts';

describe('handoff block', () => {
  it('handoff keeps the bot quiet until released, then continues', () => {
    const f = flow([
      { id: 'h', type: 'handoff', message: 'A person will answer', next: 'back' },
      { id: 'back', type: 'end', message: 'bot is back' },
    ]);
    const { all, state } = play(f, [text('go'), text('hello?'), { type: 'handoff_released' }]);
    expect(all[0]?.some((e) => e.type === 'handoff')).toBe(true);
    expect(all[1]).toEqual([]);
    expect(texts(all[2] ?? [])).toEqual(['bot is back']);
    expect(state?.status).toBe('completed');
  });

  it('carries on at the block a person chose when they give the conversation back', () => {
    const f = flow([
      { id: 'h', type: 'handoff', message: 'A person will answer', next: 'back' },
      { id: 'back', type: 'end', message: 'bot is back' },
      { id: 'survey', type: 'end', message: 'how did we do?' },
    ]);
    const { all, state } = play(f, [text('go'), { type: 'handoff_released', nodeId: 'survey' }]);
    expect(texts(all[1] ?? [])).toEqual(['how did we do?']);
    expect(state?.status).toBe('completed');
  });

  it('names who gets the conversation in the inbox, and validates the choice in words', () => {
    const f = flow([
      { id: 'h', type: 'handoff', assignTo: 'round-robin', reason: 'wants a booking' },
    ]);
    const { all } = play(f, [text('go')]);
    expect(all[0]?.find((e) => e.type === 'handoff')).toMatchObject({
      reason: 'wants a booking',
      assignTo: 'round-robin',
    });
    const bad = validateFlow(flow([{ id: 'h', type: 'handoff', assignTo: 'Ana' }]));
    expect(bad.errors.map((e) => e.message).join(' ')).toContain('round-robin');
  });
});
