/**
 * CSV as spreadsheets read it (RFC 4180): fields quoted when they hold a comma, quote or line break,
 * quotes doubled, CRLF between records.
 *
 * Text that residents wrote can start with `=`, `+`, `-` or `@` (or a tab or carriage return), which a
 * spreadsheet would run as a formula ("CSV injection"). Such text cells get a leading apostrophe, the
 * OWASP-recommended neutraliser, which spreadsheets show as text. Numbers and dates we produce
 * ourselves are written as they are, so that a negative longitude stays a number.
 */
export type CsvCell = string | number | null | undefined | { raw: string };

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: text is made formula-safe and quoted when needed; `{ raw }` is for our own numbers and dates. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'object') text = value.raw;
  else text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, ending with CRLF. */
export function csvRow(cells: CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
