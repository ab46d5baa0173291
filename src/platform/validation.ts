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
