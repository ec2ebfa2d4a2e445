import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv.ts';

describe('csv', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 3])).toBe(
      '"a,b","say ""hi""","two\nlines",3\r\n',
    );
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

describe('csv in a spreadsheet whose list separator is ; or a tab', () => {
  it('defuses a formula after any separator, and quotes the cell so it stays one cell', () => {
    expect(csvCell(';=1+1')).toBe('";\'=1+1"');
    expect(csvCell('ok;@SUM(A1)')).toBe('"ok;\'@SUM(A1)"');
    expect(csvCell('a\t+cmd')).toBe('"a\t\'+cmd"');
    expect(csvCell('x,-2+3')).toBe('"x,\'-2+3"');
  });
  it('keeps negative numbers between separators and plain text as it is', () => {
    expect(csvCell('1;-2.5')).toBe('"1;-2.5"');
    expect(csvCell('fine')).toBe('fine');
  });
});
