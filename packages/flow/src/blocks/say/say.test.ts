import { describe, expect, it } from 'vitest';
import { advance } from '../../engine/advance.ts';
import { flow, T0, text, texts } from '../../engine/test-harness.ts';

describe('say block', () => {
  it('say sends text with variables, missing ones as empty text', () => {
    const f = flow([
      { id: 's', type: 'say', message: { kind: 'text', text: 'Hi {{x}}{{nothing.deep}}!' } },
    ]);
    expect(texts(advance(f, null, text('hey'), T0).effects)).toEqual(['Hi !']);
  });

  it('say sends media and locations', () => {
    const f = flow([
      {
        id: 'm',
        type: 'say',
        message: {
          kind: 'media',
          mediaType: 'image',
          url: 'https://x.test/{{x}}.png',
          caption: 'Menu',
        },
        next: 'l',
      },
      {
        id: 'l',
        type: 'say',
        message: { kind: 'location', latitude: 40.4, longitude: -3.7, name: 'Shop' },
      },
    ]);
    const sends = advance(f, null, text('hey'), T0).effects.filter((e) => e.type === 'send');
    expect(sends.map((e) => e.type === 'send' && e.message)).toEqual([
      { kind: 'media', mediaType: 'image', url: 'https://x.test/.png', caption: 'Menu' },
      { kind: 'location', latitude: 40.4, longitude: -3.7, name: 'Shop' },
    ]);
  });
});
