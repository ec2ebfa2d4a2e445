import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv.ts';

describe('csv', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 3])).toBe('"a,b","say ""hi""","two\nlines",3\r\n');
  });
  it('defuses cells a spreadsheet would run as formulas, but keeps negative numbers', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-12.5')).toBe('-12.5');
  });
  it('writes objects as JSON and nothing for missing values', () => {
    expect(csvLine([{ a: 1 }, null, undefined])).toBe('"{""a"":1}",,\r\n');
  });
});
