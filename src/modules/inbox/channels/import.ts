import { createHash } from 'node:crypto';
import type { ChannelAdapter, IncomingMessage } from './channel.ts';
import { parseCsv } from './csv.ts';

/**
 * Files exported from other tools (social media suites, listening tools, spreadsheets), read as CSV or
 * JSON into inbox messages. Column names are matched loosely ("Full Text", "Message", "Author",
 * "Date", "Url", "Latitude"…), each row is checked on its own: good rows are imported, bad ones are
 * listed by line (CSV) or item (JSON) with the reason. A row's id column, or else a hash of its date,
 * author and text, is its external id, so importing the same file twice stores nothing the second time.
 */

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;

export type ImportField =
  | 'id'
  | 'date'
  | 'author'
  | 'authorId'
  | 'handle'
  | 'email'
  | 'text'
  | 'title'
  | 'url'
  | 'channel'
  | 'lat'
  | 'lng'
  | 'thread'
  | 'inReplyTo';
export type RowProblem = 'no-text' | 'bad-date' | 'bad-location' | 'not-an-object' | 'unterminated-quote';

/** Header names other tools use, compared without case, spaces or punctuation. */
const ALIASES: Record<ImportField, string[]> = {
  id: [
    'id',
    'messageid',
    'postid',
    'tweetid',
    'commentid',
    'mentionid',
    'resourceid',
    'guid',
    'uid',
    'externalid',
    'identifier',
  ],
  date: [
    'date',
    'datetime',
    'dateandtime',
    'createdat',
    'created',
    'createdtime',
    'time',
    'timestamp',
    'sentat',
    'sent',
    'published',
    'publishedat',
    'publishdate',
    'postdate',
    'dateposted',
    'datecreated',
    'datum',
    'fecha',
    'data',
  ],
  author: [
    'author',
    'authorname',
    'fullname',
    'name',
    'user',
    'username',
    'from',
    'fromname',
    'sender',
    'postedby',
    'profilename',
    'autor',
    'auteur',
  ],
  authorId: ['authorid', 'userid', 'fromid', 'profileid', 'senderid'],
  handle: ['handle', 'authorhandle', 'screenname', 'twitterscreenname', 'account', 'profile'],
  email: ['email', 'authoremail', 'mail', 'emailaddress'],
  text: [
    'text',
    'fulltext',
    'message',
    'content',
    'body',
    'snippet',
    'post',
    'comment',
    'messagetext',
    'mention',
    'mentioncontent',
    'posttext',
    'caption',
    'description',
    'texto',
    'texte',
    'testo',
    'tekst',
    'nachricht',
  ],
  title: ['title', 'subject', 'headline'],
  url: ['url', 'link', 'permalink', 'posturl', 'originalurl', 'messageurl', 'mentionurl'],
  channel: ['channel', 'source', 'network', 'socialnetwork', 'platform', 'pagetype', 'contentsource', 'sourcetype'],
  lat: ['lat', 'latitude'],
  lng: ['lng', 'lon', 'long', 'longitude'],
  thread: ['threadid', 'thread', 'conversationid', 'conversation'],
  inReplyTo: ['inreplyto', 'parentid', 'replyto', 'inreplytoid'],
};

function key(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const FIELD_OF = new Map<string, ImportField>();
for (const [field, names] of Object.entries(ALIASES) as Array<[ImportField, string[]]>)
  for (const name of names) if (!FIELD_OF.has(name)) FIELD_OF.set(name, field);

/** Which field each header means (the first header that means a field wins), by position. */
export function mapHeaders(headers: readonly string[]): Array<ImportField | undefined> {
  const taken = new Set<ImportField>();
  return headers.map((header) => {
    const field = FIELD_OF.get(key(header));
    if (!field || taken.has(field)) return undefined;
    taken.add(field);
    return field;
  });
}

export interface ImportRow {
  /** CSV line or JSON item number (1-based). */
  position: number;
  message: IncomingMessage;
}

export interface ParsedImport {
  format: 'csv' | 'json';
  /** Header (or JSON key) → field it was read as. */
  columns: Array<{ header: string; field: ImportField | undefined }>;
  rows: ImportRow[];
  problems: Array<{ position: number; problem: RowProblem }>;
  total: number;
}

/** A file that cannot be imported at all; `reason` is a message key suffix. */
export class ImportFileError extends Error {
  readonly reason: 'too-large' | 'too-many-rows' | 'unreadable' | 'no-text-column' | 'empty';
  constructor(reason: ImportFileError['reason']) {
    super(reason);
    this.reason = reason;
  }
}

/** Upload bytes as text: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 as older spreadsheets write. */
export function decodeUpload(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** Dates as tools export them: ISO 8601, `YYYY-MM-DD HH:MM[:SS]`, `DD/MM/YYYY HH:MM` (MM/DD when the day cannot be a month), `DD.MM.YYYY`, Unix seconds or milliseconds. */
export function parseImportDate(value: string): Date | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d{10}(\d{3})?$/.test(text)) return new Date(Number(text) * (text.length === 10 ? 1000 : 1));
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$/i.exec(
      text,
    );
  const local = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i.exec(text);
  let parts: { y: number; m: number; d: number; h: number; min: number; s: number; zone: string } | undefined;
  if (iso)
    parts = {
      y: Number(iso[1]),
      m: Number(iso[2]),
      d: Number(iso[3]),
      h: Number(iso[4] ?? 0),
      min: Number(iso[5] ?? 0),
      s: Number(iso[6] ?? 0),
      zone: iso[7] ?? 'Z',
    };
  else if (local) {
    let [a, b] = [Number(local[1]), Number(local[2])];
    if (b > 12 && a <= 12) [a, b] = [b, a];
    let hour = Number(local[4] ?? 0);
    if (local[7]?.toUpperCase() === 'PM' && hour < 12) hour += 12;
    if (local[7]?.toUpperCase() === 'AM' && hour === 12) hour = 0;
    parts = {
      y: Number(local[3]),
      m: b,
      d: a,
      h: hour,
      min: Number(local[5] ?? 0),
      s: Number(local[6] ?? 0),
      zone: 'Z',
    };
  }
  if (!parts) {
    const loose = new Date(text);
    return Number.isNaN(loose.getTime()) ? undefined : loose;
  }
  if (parts.m < 1 || parts.m > 12 || parts.d < 1 || parts.d > 31 || parts.h > 23 || parts.min > 59 || parts.s > 59)
    return undefined;
  const zone = /^(UTC|GMT|Z)$/i.test(parts.zone) ? 'Z' : parts.zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = new Date(
    `${pad(parts.y, 4)}-${pad(parts.m)}-${pad(parts.d)}T${pad(parts.h)}:${pad(parts.min)}:${pad(parts.s)}${zone}`,
  );
  if (Number.isNaN(date.getTime()) || new Date(Date.UTC(parts.y, parts.m - 1, parts.d)).getUTCDate() !== parts.d)
    return undefined; // 31 April
  return date;
}

function coordinate(value: string | undefined, limit: number): number | undefined | null {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value.trim().replace(',', '.'));
  return Number.isFinite(number) && Math.abs(number) <= limit ? number : null;
}

/** One row's values by field → a message, or the reason it cannot be one. */
export function rowToMessage(values: Partial<Record<ImportField, string>>, raw: unknown): IncomingMessage | RowProblem {
  const text = (values.text ?? '').trim();
  if (text === '') return 'no-text';
  const sentAt = parseImportDate(values.date ?? '');
  if (!sentAt) return 'bad-date';
  const lat = coordinate(values.lat, 90);
  const lng = coordinate(values.lng, 180);
  if (lat === null || lng === null || (lat === undefined) !== (lng === undefined)) return 'bad-location';
  const author = (values.author ?? '').trim();
  const handle = (values.handle ?? '').trim();
  const network = (values.channel ?? '').trim();
  const authorKey =
    (values.authorId ?? '').trim() || handle || (values.email ?? '').trim().toLowerCase() || author || 'anonymous';
  const id = (values.id ?? '').trim();
  const url = (values.url ?? '').trim();
  return {
    externalId:
      id !== ''
        ? `${network ? `${key(network)}:` : ''}${id}`
        : `sha256:${createHash('sha256').update(`${sentAt.toISOString()}\n${author}\n${text}`).digest('hex')}`,
    threadKey: values.thread?.trim() || undefined,
    inReplyTo: values.inReplyTo?.trim() || undefined,
    author: {
      externalId: network ? `${key(network)}:${authorKey}` : authorKey,
      name: author || handle || undefined,
      handle: handle || undefined,
      email: values.email?.trim() || undefined,
    },
    subject: values.title?.trim() || undefined,
    text,
    url: /^https?:\/\/\S+$/i.test(url) ? url : undefined,
    location: lat !== undefined && lng !== undefined ? { lat, lng } : undefined,
    sentAt,
    raw,
  };
}

function jsonRecords(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ImportFileError('unreadable');
  }
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) {
    const list = Object.values(value).find((inner) => Array.isArray(inner));
    if (list) return list as unknown[];
  }
  throw new ImportFileError('unreadable');
}

function stringValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Flattens a JSON object one level (`author.name` → `author name`) so that nested exports map too. */
function jsonValues(item: Record<string, unknown>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(item)) {
    const text = stringValue(value);
    if (text !== undefined) pairs.push([name, text]);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        const innerText = stringValue(innerValue);
        if (innerText !== undefined)
          pairs.push([
            name === 'author' || name === 'from' || name === 'user'
              ? inner === 'name'
                ? name
                : `${name} ${inner}`
              : `${name} ${inner}`,
            innerText,
          ]);
      }
    }
  }
  return pairs;
}

/** Reads an uploaded file (CSV or JSON, told apart by name and content) into rows and problems. */
export function parseImportFile(text: string, fileName = ''): ParsedImport {
  if (text.length > MAX_IMPORT_BYTES) throw new ImportFileError('too-large');
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw new ImportFileError('empty');
  const json = /\.json$/i.test(fileName) || trimmed.startsWith('[') || trimmed.startsWith('{');
  const rows: ImportRow[] = [];
  const problems: ParsedImport['problems'] = [];
  if (json) {
    const records = jsonRecords(trimmed);
    if (records.length > MAX_IMPORT_ROWS) throw new ImportFileError('too-many-rows');
    const headers = new Map<string, ImportField | undefined>();
    records.forEach((record, index) => {
      if (typeof record !== 'object' || record === null || Array.isArray(record))
        return void problems.push({ position: index + 1, problem: 'not-an-object' });
      const pairs = jsonValues(record as Record<string, unknown>);
      const fields = mapHeaders(pairs.map(([name]) => name));
      const values: Partial<Record<ImportField, string>> = {};
      pairs.forEach(([name, value], i) => {
        const field = fields[i];
        if (!headers.has(name)) headers.set(name, field);
        if (field) values[field] = value;
      });
      const message = rowToMessage(values, record);
      if (typeof message === 'string') problems.push({ position: index + 1, problem: message });
      else rows.push({ position: index + 1, message });
    });
    if (![...headers.values()].includes('text') && records.length > 0) throw new ImportFileError('no-text-column');
    return {
      format: 'json',
      columns: [...headers].map(([header, field]) => ({ header, field })),
      rows,
      problems,
      total: records.length,
    };
  }
  const document = parseCsv(trimmed);
  const [header, ...records] = document.records;
  if (!header) throw new ImportFileError('empty');
  if (records.length > MAX_IMPORT_ROWS) throw new ImportFileError('too-many-rows');
  const fields = mapHeaders(header.fields);
  if (!fields.includes('text')) throw new ImportFileError('no-text-column');
  for (const record of records) {
    const values: Partial<Record<ImportField, string>> = {};
    fields.forEach((field, i) => {
      if (field) values[field] = record.fields[i] ?? '';
    });
    const message = rowToMessage(
      values,
      Object.fromEntries(header.fields.map((name, i) => [name, record.fields[i] ?? ''])),
    );
    if (typeof message === 'string') problems.push({ position: record.line, problem: message });
    else rows.push({ position: record.line, message });
  }
  if (document.unterminatedAt !== undefined)
    problems.push({ position: document.unterminatedAt, problem: 'unterminated-quote' });
  return {
    format: 'csv',
    columns: header.fields.map((name, i) => ({ header: name, field: fields[i] })),
    rows,
    problems,
    total: records.length + (document.unterminatedAt !== undefined ? 1 : 0),
  };
}

/** Import channels receive files through the staff import page; they cannot answer and need no settings. */
export const importAdapter: ChannelAdapter = {
  kind: 'import',
  fields: [],
  async health() {
    return { ok: true };
  },
};
