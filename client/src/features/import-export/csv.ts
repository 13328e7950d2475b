/**
 * RFC 4180 CSV: comma-separated fields, double quotes around fields that hold commas, quotes or line
 * breaks, `""` for a quote inside one. Line breaks are CRLF or LF; a byte-order mark is ignored.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const needsQuotes = /[",\r\n]|^\s|\s$/;
/** Spreadsheets run a cell that starts with one of these as a formula: such cells get a leading quote. */
const formulaStart = /^[=+\-@\t\r]/;

/** One CSV line per row (CRLF, as RFC 4180 says), quoting only where needed. */
export function toCsv(rows: readonly (readonly (string | number | boolean)[])[]): string {
  return rows
    .map((row) =>
      row
        .map((cell) => {
          let text = String(cell);
          if (typeof cell === 'string' && formulaStart.test(text)) text = `'${text}`;
          return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
        })
        .join(','),
    )
    .join('\r\n');
}

/** A data row as an object keyed by the header's names (upper-cased, trimmed), with its line in the file. */
export interface CsvRecord {
  /** 1-based row of the file (the header is row 1). */
  row: number;
  values: Record<string, string>;
}

/** Rows as objects keyed by the header row's names; blank rows are dropped (their numbers are kept). */
export function csvRecords(text: string): { header: string[]; records: CsvRecord[] } {
  const [head = [], ...body] = parseCsv(text);
  const header = head.map((name) => name.trim().toUpperCase());
  const records: CsvRecord[] = [];
  body.forEach((cells, index) => {
    if (cells.every((cell) => cell.trim() === '')) return;
    records.push({ row: index + 2, values: Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])) });
  });
  return { header, records };
}
