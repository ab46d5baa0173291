import { Type } from 'typebox';
import { Format } from 'typebox/format';
import { AppError } from './errors.ts';

/**
 * The rules every module shares for ids and e-mail addresses, in one place so that the JSON API,
 * the HTML forms and the use cases accept exactly the same values.
 */

/** The largest id a PostgreSQL `integer` (serial) column holds. */
export const MAX_ID = 2_147_483_647;

/**
 * An id from a path parameter, query string or form field: a positive 32-bit integer written in
 * decimal digits, or undefined for anything else ('0', '-1', '1e3', '0x10', ' 7', 'NaN', '2147483648').
 */
export function parseId(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= MAX_ID ? value : undefined;
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return undefined;
  const id = Number(value);
  return id >= 1 && id <= MAX_ID ? id : undefined;
}

/** An id from a path parameter that must be one: anything else answers 404 with `notFound` (a registered code). */
export function requireId(value: unknown, notFound = 'NOT_FOUND'): number {
  const id = parseId(value);
  if (id === undefined) throw new AppError(notFound);
  return id;
}

/** A positive 32-bit id in a schema (path parameters, form fields, API bodies). */
export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID });

/** The parameters of a route with one `:id`. */
export const IdParams = Type.Object({ id: Id });

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

/** The longest e-mail address accepted (RFC 5321's limit on a path). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * Whether a text is an e-mail address the platform accepts: one `@`, no spaces, a local part of at
 * most 64 characters, a domain with a dot and a last label of at least two characters, 254 characters
 * in all. Deliberately loose beyond that: the only real check is the confirmation mail.
 */
export function isEmail(value: string): boolean {
  return value.length <= MAX_EMAIL_LENGTH && EMAIL.test(value);
}

/**
 * The schema format `email`, with the rule above, for TypeBox's own validator (HTML forms). The
 * API's Ajv gets the same function in `createHttpApp`, replacing ajv-formats' rule.
 */
export const EMAIL_FORMAT = 'email';
Format.Set(EMAIL_FORMAT, isEmail);

/** An e-mail address in a schema (API bodies and HTML forms alike). */
export const Email = Type.String({ format: EMAIL_FORMAT, maxLength: MAX_EMAIL_LENGTH });

/** The smallest value of a PostgreSQL `integer`. */
export const MIN_INT = -2_147_483_648;

/**
 * Text PostgreSQL cannot store: a NUL character (not allowed in `text` or `jsonb`), or half of a
 * surrogate pair (no UTF-8 encoding exists for it; a driver would store U+FFFD and `jsonb` refuses
 * its escape).
 */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a text holds a character PostgreSQL cannot store (a NUL, or an unpaired surrogate). */
export function hasUnstorableText(text: string): boolean {
  return UNSTORABLE.test(text);
}

/** What a refusal says about such a text (the same words everywhere it is refused). */
export const UNSTORABLE_TEXT_MESSAGE =
  'contains a character that cannot be stored (NUL, an unpaired surrogate, or bytes that are not UTF-8)';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const LENIENT_UTF8 = new TextDecoder('utf-8');

/** The length of the well-formed UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const first = bytes[i] ?? 0;
  const inRange = (offset: number, low = 0x80, high = 0xbf) => {
    const byte = bytes[i + offset];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (first < 0x80) return 1;
  if (first >= 0xc2 && first <= 0xdf) return inRange(1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef)
    return inRange(1, first === 0xe0 ? 0xa0 : 0x80, first === 0xed ? 0x9f : 0xbf) && inRange(2) ? 3 : 0;
  if (first >= 0xf0 && first <= 0xf4)
    return inRange(1, first === 0xf0 ? 0x90 : 0x80, first === 0xf4 ? 0x8f : 0xbf) && inRange(2) && inRange(3) ? 4 : 0;
  return 0;
}

/**
 * Bytes read as UTF-8, where each byte that is not part of a well-formed sequence becomes an unpaired
 * surrogate (U+DC80 + the byte, as Python's "surrogateescape") instead of a silent U+FFFD: the text
 * then fails `hasUnstorableText` at the field that held it, so a body can be refused naming the field.
 */
export function decodeUtf8Marked(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    let text = '';
    let start = 0;
    let i = 0;
    while (i < bytes.length) {
      const length = utf8SequenceLength(bytes, i);
      if (length > 0) {
        i += length;
        continue;
      }
      text += LENIENT_UTF8.decode(bytes.subarray(start, i)) + String.fromCharCode(0xdc00 | (bytes[i] ?? 0));
      start = ++i;
    }
    return text + LENIENT_UTF8.decode(bytes.subarray(start));
  }
}

/**
 * Whether a date can be stored in a PostgreSQL `date` or `timestamptz` and written back as ISO 8601:
 * a valid date from the year 1 to 9999 (JavaScript knows the year 0 and years up to 275760;
 * PostgreSQL has no year 0).
 */
export function isStorableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1 && year <= 9999;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether the year, month and day (and the time, when given) name a real moment (no 30 February, no hour 24). */
function realCalendarDate(parts: readonly string[]): boolean {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts.map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return year >= 1 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 60;
}

/** The schema format `date` (`2026-05-01`): a real day of the years 1 to 9999. */
export function isStorableIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  return match !== null && realCalendarDate(match.slice(1));
}

/** The schema format `date-time` (RFC 3339, with a zone): a real moment of the years 1 to 9999. */
export function isStorableIsoDateTime(value: string): boolean {
  const match = ISO_DATE_TIME.exec(value);
  return match !== null && realCalendarDate(match.slice(1)) && isStorableDate(new Date(value.replace(' ', 'T')));
}

/**
 * Where the first text PostgreSQL cannot store is in a parsed value (a query string, form or JSON
 * body): its path (`''` for the value itself, `title`, `items.2.text`; a key holding such a character
 * counts as its own path), or undefined when there is none. Uploaded files (Buffers) are not read.
 */
export function unstorableTextPath(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') return hasUnstorableText(value) ? '' : undefined;
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : ArrayBuffer.isView(value) || value instanceof ArrayBuffer
      ? []
      : Object.entries(value);
  for (const [key, item] of entries) {
    if (hasUnstorableText(key)) return key;
    const inner = unstorableTextPath(item, depth + 1);
    if (inner !== undefined) return inner === '' ? key : `${key}.${inner}`;
  }
  return undefined;
}

const INTEGER_BOUNDS = { minimum: MIN_INT, maximum: MAX_ID } as const;
const bounded = new WeakMap<object, object>();
/** Keywords whose value is data, not a schema: never looked into. */
const DATA_KEYWORDS = new Set(['default', 'const', 'enum', 'examples', 'example']);

/**
 * The schema with every integer that states no bounds of its own bounded to a PostgreSQL `integer`
 * (-2147483648 to 2147483647), so `9999999999999999999` or `2147483648` is refused as bad input
 * before it reaches a column that cannot hold it. A schema for a `bigint` column says its own maximum
 * (`Number.MAX_SAFE_INTEGER`). The schema itself is not changed: the copy (made once per schema, keeping
 * TypeBox's own hidden properties) is what validators compile.
 */
export function withStorableIntegers<T>(schema: T): T {
  if (typeof schema !== 'object' || schema === null) return schema;
  const known = bounded.get(schema);
  if (known) return known as T;
  let changed = false;
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema) as Array<[string, unknown]>) {
    if (DATA_KEYWORDS.has(key) || typeof value !== 'object' || value === null) continue;
    const inner = withStorableIntegers(value);
    if (inner !== value) {
      mapped[key] = inner;
      changed = true;
    }
  }
  const node = schema as Record<string, unknown>;
  const type = node.type;
  const integer = type === 'integer' || (Array.isArray(type) && type.includes('integer'));
  if (integer && node.minimum === undefined && node.exclusiveMinimum === undefined) {
    mapped.minimum = INTEGER_BOUNDS.minimum;
    changed = true;
  }
  if (integer && node.maximum === undefined && node.exclusiveMaximum === undefined) {
    mapped.maximum = INTEGER_BOUNDS.maximum;
    changed = true;
  }
  let result: unknown = schema;
  if (changed && Array.isArray(schema)) result = Object.assign([...(schema as unknown[])], mapped);
  else if (changed)
    result = Object.assign(
      Object.create(Object.getPrototypeOf(schema) as object | null, Object.getOwnPropertyDescriptors(schema)) as object,
      mapped,
    );
  bounded.set(schema, result as object);
  return result as T;
}

// The same date rules for TypeBox's own validator (HTML forms) as for the API's Ajv (set in createHttpApp).
Format.Set('date', isStorableIsoDate);
Format.Set('date-time', isStorableIsoDateTime);

/**
 * An address from outside (a social network's link to a post, a meeting's video call) fit for a link (`href`) or for storing:
 * only absolute http and https URLs; `javascript:`, `data:` and anything unparsable are no link at all.
 */
export function httpUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A path on this site to go back to (after signing in, after choosing a language); anything else —
 * another site (`//evil.example`), a backslash browsers read as a slash (`/\\evil.example`), a scheme,
 * white space — falls back to the home page.
 */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : '/';
}
