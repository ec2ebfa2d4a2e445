// How a channel renders what the engine says: menus as buttons, a list or numbered text within
// Meta's limits, long texts split on a word boundary, and templates where there are none.
import { describe, expect, it } from 'vitest';
import {
  cloudApiCapabilities,
  menuRendering,
  splitText,
  templateAsText,
  twilioCapabilities,
} from './capabilities.ts';
import { LIST_BUTTON_TITLE, toGraphMessages } from './cloud-api/graph-message.ts';

const options = (n: number, label = (i: number) => `Option ${i + 1}`) =>
  Array.from({ length: n }, (_, i) => label(i));

describe('menus', () => {
  it('are buttons up to 3 options of 20 characters, a list up to 10 of 24, numbered beyond', () => {
    const r = (opts: string[], body = 'Pick one') =>
      menuRendering(cloudApiCapabilities, { body, options: opts });
    expect(r(options(3))).toBe('buttons');
    expect(r(['a'.repeat(20), 'b', 'c'])).toBe('buttons');
    expect(r(['a'.repeat(21), 'b', 'c'])).toBe('list');
    expect(r(options(4))).toBe('list');
    expect(r(options(10))).toBe('list');
    expect(r(options(12))).toBe('numbered');
    expect(r(['x'.repeat(25), 'b', 'c', 'd'])).toBe('numbered');
    expect(r(options(3), 'y'.repeat(1025))).toBe('numbered');
    expect(menuRendering(twilioCapabilities, { body: 'Pick', options: options(3) })).toBe(
      'numbered',
    );
  });

  it('go to the Graph API as a list with the options’ numbers as row ids', () => {
    const [body] = toGraphMessages({
      to: '34600111222@c.us',
      type: 'text',
      text: 'Which day?\n\n1. Monday\n…',
      menu: { body: 'Which day?', options: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'] },
    });
    expect(body).toMatchObject({
      to: '34600111222',
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Which day?' },
        action: {
          button: LIST_BUTTON_TITLE,
          sections: [{ rows: [{ id: '1', title: 'Mon' }, { id: '2', title: 'Tue' }, {}, {}, {}] }],
        },
      },
    });
  });

  it('that do not fit go as the numbered text every channel sends', () => {
    const text = `Pick\n\n${options(12)
      .map((o, i) => `${i + 1}. ${o}`)
      .join('\n')}`;
    const bodies = toGraphMessages({
      to: '34600111222@c.us',
      type: 'text',
      text,
      menu: { body: 'Pick', options: options(12) },
    });
    expect(bodies).toEqual([
      expect.objectContaining({ type: 'text', text: { preview_url: false, body: text } }),
    ]);
  });
});

describe('long texts', () => {
  it('are split at the limit on a word boundary, nothing lost', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
    const parts = splitText(words, 4096);
    expect(parts.length).toBe(Math.ceil(words.length / 4096));
    for (const p of parts) expect([...p].length).toBeLessThanOrEqual(4096);
    expect(parts.join(' ')).toBe(words);
    expect(parts.every((p) => /^word\d+/.test(p) && /word\d+$/.test(p))).toBe(true);
  });

  it('cut a word longer than the limit where they must, and count emoji as one character', () => {
    expect(splitText('a'.repeat(10), 4)).toEqual(['aaaa', 'aaaa', 'aa']);
    expect(splitText('😀😀😀', 3)).toEqual(['😀😀😀']);
    expect(splitText('short', 4096)).toEqual(['short']);
  });

  it('go to the Graph API as several messages', () => {
    const text = 'x '.repeat(3000).trim();
    expect(toGraphMessages({ to: '15550100@c.us', type: 'text', text }).length).toBe(2);
  });
});

describe('templates', () => {
  it('go as their text where a channel has none, and other messages as they are', () => {
    expect(
      templateAsText({
        to: '15550100@c.us',
        type: 'template',
        name: 'order_update',
        language: 'en_US',
        parameters: ['Ana'],
        contentSid: 'HX0123456789abcdef0123456789abcdef',
        text: 'Hi Ana, your order is on its way.',
      }),
    ).toEqual({ to: '15550100@c.us', type: 'text', text: 'Hi Ana, your order is on its way.' });
    const location = { to: '15550100@c.us', type: 'location', latitude: 1, longitude: 2 } as const;
    expect(templateAsText(location)).toBe(location);
  });
});
