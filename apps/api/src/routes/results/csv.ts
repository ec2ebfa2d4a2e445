// One CSV line (RFC 4180 quoting, CRLF). Cells that a spreadsheet would run as a formula
// (starting with = + - @ or a tab/CR) get a leading apostrophe: contacts type the values.
export function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
