import { describe, expect, it } from 'vitest';
import { loadScripts, playScript, sentTexts } from './load-examples.ts';

const scripts = loadScripts();

describe('example flows replayed through the engine', () => {
  it('has at least four realistic examples', () => {
    expect(scripts.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'lead-capture',
        'appointment-booking',
        'faq-menu',
        'support-handoff',
      ]),
    );
  });

  for (const script of scripts) {
    describe(script.name, () => {
      const { steps, state } = playScript(script);

      script.steps.forEach((step, i) => {
        const label = 'send' in step ? `"${step.send}"` : Object.keys(step)[0];
        it(`step ${i + 1} (${label}) gets the expected replies`, () => {
          const effects = steps[i] ?? [];
          expect(sentTexts(effects)).toEqual(step.expect);
          if (step.http) {
            expect(effects.find((e) => e.type === 'http_request')).toMatchObject({
              url: step.http.url,
            });
          }
          if (step.handoff) expect(effects.some((e) => e.type === 'handoff')).toBe(true);
        });
      });

      it('ends completed with the expected results', () => {
        expect(state?.status).toBe('completed');
        const results = steps.flat().filter((e) => e.type === 'results');
        const last = results[results.length - 1];
        expect(last).toMatchObject({ status: 'completed', variables: script.results });
      });

      if (script.webhooks) {
        it('sends its webhooks', () => {
          const events = steps.flat().flatMap((e) => (e.type === 'webhook' ? [e.event] : []));
          expect(events).toEqual(script.webhooks);
        });
      }

      it('keeps the conversation state under 2 KB at every step', () => {
        // Re-play and measure each intermediate state.
        let max = 0;
        for (let n = 1; n <= script.steps.length; n++) {
          const partial = playScript({ ...script, steps: script.steps.slice(0, n) });
          max = Math.max(max, JSON.stringify(partial.state).length);
        }
        expect(max).toBeLessThan(2048);
      });

      it('gives every effect of the conversation a distinct id', () => {
        const ids = steps.flat().map((e) => e.id);
        expect(new Set(ids).size).toBe(ids.length);
      });
    });
  }
});
