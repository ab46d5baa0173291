import type { FastifyReply } from 'fastify';

/**
 * CSV as spreadsheets read it (RFC 4180): fields quoted when they hold a comma, quote or line break,
 * quotes doubled, CRLF between records.
 *
 * Text that residents wrote can start with `=`, `+`, `-` or `@` (or a tab or carriage return), which a
 * spreadsheet would run as a formula ("CSV injection"). Such text cells get a leading apostrophe, the
 * OWASP-recommended neutraliser, which spreadsheets show as text. Numbers and dates we produce
 * ourselves are written as they are, so that a negative longitude stays a number.
 */
export type CsvCell = string | number | boolean | null | undefined | { raw: string };

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: text is made formula-safe and quoted when needed; `{ raw }` is for our own numbers and dates. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') text = String(value);
  else if (typeof value === 'object') text = value.raw;
  else text = FORMULA_START.test(value) ? `'${value}` : value;
  // a semicolon is quoted too: spreadsheets in much of Europe split on it
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, ending with CRLF. */
export function csvRow(cells: CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * The byte order mark every CSV download starts with: without it Excel reads UTF-8 as the machine's
 * legacy code page and shows "Ã©" for "é". LibreOffice, pandas and R's readr skip it.
 */
export const CSV_BOM = '\uFEFF';

/** A whole CSV document: the byte order mark, then each record ending with CRLF. */
export function csvDocument(rows: CsvCell[][]): string {
  return CSV_BOM + rows.map(csvRow).join('');
}

/** Sends a CSV document as a download named `filename` (never cached: exports hold current data). */
export function sendCsv(reply: FastifyReply, filename: string, rows: CsvCell[][]): FastifyReply {
  return reply
    .header('cache-control', 'no-store')
    .header('content-disposition', `attachment; filename="${filename.replace(/["\\\r\n]/g, '')}"`)
    .type('text/csv; charset=utf-8')
    .send(csvDocument(rows));
}
