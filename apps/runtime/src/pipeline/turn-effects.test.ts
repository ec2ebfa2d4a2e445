import { describe, expect, it } from 'vitest';
import type { ConversationState, OutboundContent } from '@waflow/flow';
import { addEffects, toOutbound } from './turn-effects.ts';
import { emptyTurn, type TurnContext } from './turn-plan.ts';

const ctx: TurnContext = {
  workspaceId: 'ws',
  numberId: 'n',
  conversationId: 'c',
  contactId: 'ct',
  contactWaId: '34600111222@c.us',
  flowId: 'f',
  flowVersionId: 'fv',
  now: new Date(0),
};
const state: ConversationState = { v: 1, status: 'active', vars: {}, seq: 1, seed: 1 };

describe('a template the engine sends', () => {
  const template: OutboundContent = {
    kind: 'template',
    name: 'order_update',
    language: 'en_US',
    parameters: ['Ana'],
    contentSid: 'HX0123456789abcdef0123456789abcdef',
    text: 'Hi Ana, your order is on its way.',
  };

  it('goes to the outbox as a template message carrying its fallback text', () => {
    expect(toOutbound(ctx.contactWaId, template)).toEqual({
      to: '34600111222@c.us',
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      parameters: ['Ana'],
      contentSid: 'HX0123456789abcdef0123456789abcdef',
      text: 'Hi Ana, your order is on its way.',
    });
    const { contentSid: _sid, ...withoutSid } = template;
    expect(toOutbound(ctx.contactWaId, withoutSid)).not.toHaveProperty('contentSid');
  });

  it('shows in the transcript as its text', () => {
    const turn = emptyTurn();
    addEffects(turn, ctx, state, [{ type: 'send', id: 'e1', message: template }]);
    expect(
      turn.sends.map(({ type, body, idempotencyKey }) => ({ type, body, idempotencyKey })),
    ).toEqual([
      { type: 'template', body: 'Hi Ana, your order is on its way.', idempotencyKey: 'c:e1' },
    ]);
  });
});
