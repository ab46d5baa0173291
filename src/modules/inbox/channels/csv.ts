/**
 * A CSV reader for exports of other tools (RFC 4180 and what spreadsheets really write): quoted fields
 * with commas, doubled quotes and line breaks inside, CRLF or LF, a UTF-8 byte-order mark, and the
 * delimiter found from the header line (comma, semicolon as European spreadsheets write, tab or pipe).
 * Each record keeps the line it starts on, so that problems can be reported where people look for them.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvDocument {
  delimiter: string;
  records: CsvRecord[];
  /** A quote left open at the end of the file: the records before it are still read. */
  unterminatedAt?: number;
}

const DELIMITERS = [',', ';', '\t', '|'];

/** The delimiter used most often outside quotes on the first line (the header); a comma when none is. */
export function detectDelimiter(text: string): string {
  let inQuotes = false;
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  for (const char of text.slice(0, 10_000)) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === '\n' || char === '\r')) break;
    else if (!inQuotes && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > (counts.get(best) ?? 0)) best = delimiter;
  return best;
}

/** Reads a whole CSV text into records (blank lines skipped). */
export function parseCsv(source: string, delimiter = detectDelimiter(source.replace(/^\uFEFF/, ''))): CsvDocument {
  const text = source.replace(/^\uFEFF/, '');
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quoteLine = 0;
  let sawContent = false;
  const endRecord = () => {
    fields.push(field);
    if (sawContent || fields.length > 1 || field !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    sawContent = false;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (inQuotes) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else if (char === '\r' && text[i + 1] === '\n') {
        // CRLF inside a quoted field: kept as one line break
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"' && field.trim() === '') {
      inQuotes = true;
      quoteLine = line;
      field = '';
      sawContent = true;
    } else if (char === delimiter) {
      fields.push(field);
      field = '';
      sawContent = true;
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += char;
  }
  if (inQuotes) return { delimiter, records, unterminatedAt: quoteLine };
  if (field !== '' || fields.length > 0 || sawContent) endRecord();
  return { delimiter, records };
}
