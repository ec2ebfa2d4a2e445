// Reads CSV records from text arriving in chunks, without holding more than one record: RFC 4180
// quoting (a quoted cell may hold separators, quotes as "" and line breaks), CRLF or LF, a UTF-8
// BOM, and the separator of the first line (`,`, or `;` and tab as spreadsheets in many locales
// save). Each record carries the line it starts on (1 is the header), for error messages.

export interface CsvRecord {
  line: number;
  cells: string[];
}

/** The most characters one cell may hold: a longer one is a broken quote, not data. */
export const MAX_CELL = 100_000;

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

function separatorOf(firstLine: string): string {
  const counts = [',', ';', '\t'].map((s) => [s, firstLine.split(s).length] as const);
  return counts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let sep: string | undefined;
  let pending = '';
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let start = 1;
  let first = true;
  const finishRecord = (): CsvRecord | undefined => {
    cells.push(cell);
    const record = { line: start, cells };
    cells = [];
    cell = '';
    afterQuote = false;
    // A blank line is no record.
    return record.cells.length === 1 && record.cells[0] === '' ? undefined : record;
  };
  for await (let chunk of chunks) {
    if (first) {
      chunk = chunk.replace(/^\uFEFF/, '');
      first = false;
    }
    if (sep === undefined) {
      pending += chunk;
      const nl = pending.indexOf('\n');
      if (nl < 0 && pending.length < 65_536) continue;
      sep = separatorOf(pending.slice(0, nl < 0 ? undefined : nl));
      chunk = pending;
      pending = '';
    }
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i] ?? '';
      if (quoted) {
        if (ch === '"') {
          quoted = false;
          afterQuote = true;
        } else {
          if (ch === '\n') line++;
          cell += ch;
        }
      } else if (ch === '"') {
        // `""` inside a quoted cell is one quote; a quote that opens a cell starts quoting.
        if (afterQuote) cell += '"';
        if (cell === '' || afterQuote) quoted = true;
        else cell += ch;
        afterQuote = false;
      } else if (ch === sep) {
        cells.push(cell);
        cell = '';
        afterQuote = false;
      } else if (ch === '\n') {
        if (cell.endsWith('\r') && !afterQuote) cell = cell.slice(0, -1);
        const r = finishRecord();
        line++;
        start = line;
        if (r) yield r;
      } else if (ch === '\r' && afterQuote) {
        // The CR of a CRLF after a closing quote.
      } else {
        cell += ch;
        afterQuote = false;
      }
      if (cell.length > MAX_CELL)
        throw new CsvError(
          start,
          `a cell is longer than ${MAX_CELL.toLocaleString('en-US')} characters: check for a quote that is never closed`,
        );
    }
  }
  if (sep === undefined && pending !== '') {
    // The whole file is one line without a line break.
    yield* csvRecords(
      (async function* () {
        yield `${pending}\n`;
      })(),
    );
    return;
  }
  if (quoted) throw new CsvError(start, 'a quote opened on this line is never closed');
  const r = cell !== '' || cells.length > 0 ? finishRecord() : undefined;
  if (r) yield r;
}
