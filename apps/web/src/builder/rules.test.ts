import { describe, expect, it } from 'vitest';
import { summary } from './graph.ts';
import { buildRule, describeRule, parseRule } from './rules.ts';

describe('condition rules', () => {
  it('reads back what the editor writes, a number compared as a number', () => {
    expect(buildRule('>', 'age', '18')).toEqual({ '>': [{ var: 'age' }, 18] });
    expect(parseRule(buildRule('>', 'age', '18'))).toEqual({
      op: '>',
      variable: 'age',
      operand: 18,
    });
    expect(buildRule('in', 'email', '@')).toEqual({ in: ['@', { var: 'email' }] });
    expect(parseRule({ in: ['@', { var: 'email' }] })).toEqual({
      op: 'in',
      variable: 'email',
      operand: '@',
    });
  });

  it('says a rule in words, and nothing for one it does not know or an empty one', () => {
    expect(describeRule({ in: ['@', { var: 'email' }] })).toBe('email contains @');
    expect(describeRule({ '!=': [{ var: 'plan' }, 'free'] })).toBe('plan is not free');
    expect(describeRule({ '==': [{ var: 'vip' }, true] })).toBe('vip is true');
    expect(describeRule({})).toBe('');
    expect(describeRule({ '==': [{ var: '' }, ''] })).toBe('');
    expect(describeRule({ and: [{ '==': [1, 1] }] })).toBe('');
  });
});

describe('a block on the canvas', () => {
  it('summarises what each kind of block does in one line', () => {
    expect(
      summary({
        type: 'condition',
        branches: [
          { when: { in: ['@', { var: 'email' }] }, next: 'a' },
          { when: { '>': [{ var: 'age' }, 17] }, next: 'b' },
        ],
      }),
    ).toBe('email contains @; age is more than 17');
    expect(
      summary({
        type: 'split',
        branches: [
          { weight: 1, next: 'a' },
          { weight: 3, next: 'b' },
        ],
      }),
    ).toBe('25% · 75%');
    expect(summary({ type: 'loop', list: 'items', itemVariable: 'item', body: 'x' })).toBe(
      'Each of items as item',
    );
    expect(summary({ type: 'jump', target: 'ask_1' })).toBe('Go to ask_1');
    expect(summary({ type: 'handoff', reason: 'Wants a refund' })).toBe('Wants a refund');
    expect(summary({ type: 'handoff', message: 'A person will answer', reason: 'x' })).toBe(
      'A person will answer',
    );
    expect(summary({ type: 'return' })).toBe('Back to the calling flow');
  });
});
