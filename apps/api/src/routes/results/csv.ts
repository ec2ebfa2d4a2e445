// One CSV line (RFC 4180 quoting, CRLF). Contacts type the values, so a cell a spreadsheet would
// run as a formula is defused: wherever its text starts — at the start or after a `,` `;` or tab,
// since a spreadsheet whose list separator is `;` or a tab splits the cell there — with = + - @
// or a tab/CR, that piece gets a leading apostrophe (a negative number stays a number). A cell
// holding a separator is quoted, so it stays one cell in every locale.
const FORMULA_START = /(^|[,;\t])(?=[=+\-@\t\r])(?!-?\d+(?:\.\d+)?(?:[,;\t]|$))/g;

export function csvCell(value: unknown): string {
  const text =
    value === undefined || value === null
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  const s = text.replace(FORMULA_START, "$1'");
  return /[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
