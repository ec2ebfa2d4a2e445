import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, T0, text } from '../../engine/test-harness.ts';

describe('jump block', () => {
  it('a jump loop stops at the step bound with a clear error effect', () => {
    const f = flow(
      [
        { id: 'a', type: 'jump', target: 'b' },
        { id: 'b', type: 'jump', target: 'a' },
      ],
      { settings: { maxStepsPerMessage: 20 } },
    );
    const r = advance(f, null, text('go'), T0);
    const err = r.effects.find((e) => e.type === 'error');
    expect(err).toMatchObject({ code: 'STEP_LIMIT' });
    expect(err?.type === 'error' && err.message).toMatch(/ran 20 blocks without waiting/);
    expect(r.state?.status).toBe('completed');
    expect(r.state?.endReason).toBe('error');
  });
});
