// The first records of a CSV, for the import's mapping step and preview (the import itself is
// read by the API, streamed): RFC 4180 quotes, CRLF or LF, a BOM, and the separator of the first
// line (`,`, `;` or a tab). Lines are numbered as the API numbers them (1 is the header).

export interface Preview {
  header: string[];
  rows: { line: number; cells: string[] }[];
}

export function previewCsv(text: string, maxRows = 5): Preview {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.slice(0, src.indexOf('\n') < 0 ? undefined : src.indexOf('\n'));
  const sep = [',', ';', '\t'].reduce((a, b) =>
    firstLine.split(b).length > firstLine.split(a).length ? b : a,
  );
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const end = () => {
    cells.push(cell.replace(/\r$/, ''));
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < src.length && records.length <= maxRows; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === sep) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n') {
      end();
      line++;
      start = line;
    } else cell += ch;
  }
  if (records.length <= maxRows && (cell !== '' || cells.length > 0)) end();
  const [header, ...rows] = records;
  return { header: header?.cells ?? [], rows: rows.slice(0, maxRows) };
}

/** A column's target guessed from its header: the API's names, or an attribute's key or label. */
export function guessTarget(
  header: string,
  attributes: readonly { key: string; label: string }[],
): string {
  const h = header.trim().toLowerCase();
  const aliases: Record<string, string> = {
    phone: 'phone',
    telefono: 'phone',
    teléfono: 'phone',
    mobile: 'phone',
    whatsapp: 'phone',
    name: 'name',
    nombre: 'name',
    'full name': 'name',
    tags: 'tags',
    labels: 'tags',
    opted_out: 'opted_out',
  };
  if (aliases[h]) return aliases[h];
  return attributes.find((a) => a.key === h || a.label.toLowerCase() === h)?.key ?? '';
}
