import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, matchChoice, normalize, normalizeUnicode } from './text-match.ts';

describe('normalize', () => {
  it('ignores case, accents, punctuation and spacing', () => {
    expect(normalize('  ¡Menú,  PRINCIPAL! ')).toBe('menu principal');
    expect(normalize('Çà va?')).toBe('ca va');
  });

  it('gives the same result on its plain-ASCII shortcut as on the full Unicode path', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), (text) => {
        expect(normalize(text)).toBe(normalizeUnicode(text));
      }),
    );
  });
});

describe('editDistance', () => {
  it('counts single-letter changes and gives up past the maximum', () => {
    expect(editDistance('shop', 'shop', 1)).toBe(0);
    expect(editDistance('onlin shop', 'online shop', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});

describe('matchChoice', () => {
  const labels = ['Website', 'Online shop', 'Mobile app', 'Ensalada César'];
  it.each([
    ['3', 2],
    ['#2', 1],
    ['4.', 3],
    ['ONLINE SHOP', 1],
    ['ensalada cesar', 3],
    ['websit', 0],
    ['I want the mobile app please', 2],
  ] as const)('reads "%s" as option %i', (reply, index) => {
    expect(matchChoice(labels, reply)).toBe(index);
  });

  it.each(['0', '5', '', 'something else'])('refuses "%s"', (reply) => {
    expect(matchChoice(labels, reply)).toBeUndefined();
  });
});
