import { createHash } from 'node:crypto';
import { Type, type TSchema } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage, type Language } from '../i18n/languages.ts';

// The conventions every JSON API route follows (docs/API.md): the error body, security declared per
// operation, the statuses the platform itself may answer, cursors, `fields=` and `lang=`, ETags.

/** The one error body: `{ "error": { "code", "message", "details"? } }`, the code stable and registered. */
export const ApiError = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable code; the list is on /api/docs' }),
      message: Type.String({ description: 'English, for the developer' }),
      details: Type.Optional(
        Type.Object({}, { additionalProperties: true, description: 'Problems per field, limits, ids' }),
      ),
    }),
  },
  { description: 'An error with a stable code' },
);

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is not valid (VALIDATION_FAILED names each field) or breaks a rule',
  401: 'Not signed in, the session has expired, or the API key is not valid',
  403: 'Not allowed (FORBIDDEN, API_KEY_SCOPE, CSRF_TOKEN_INVALID)',
  404: 'There is nothing at this address',
  409: 'Conflicts with the current state',
  413: 'The request body is too large',
  415: 'This content type is not accepted here',
  422: 'Understood, but refused by a rule',
  429: 'Too many requests: wait for the Retry-After seconds (RateLimit headers say how many are left)',
};

/** Error responses for these statuses, each described, for a route's `response`. */
export function apiErrors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(
    statuses.map((status) => [status, { ...ApiError, description: STATUS_TEXT[status] ?? 'An error' }]),
  );
}

/**
 * Security declared on every operation (OpenAPI `security`):
 * - `PUBLIC`: anyone; with an API key the request counts against the key's quota.
 * - `SESSION`: a signed-in session (writes add the X-CSRF-Token header); API keys never act as a person.
 * - `SESSION_OR_KEY`: a session, or an API key with the scope the operation names.
 * - `OPTIONAL_SESSION`: anyone, and with a session what is the person's own.
 * - `SIGNED`: no session nor key: the request is signed (webhooks), as its description says.
 */
export const PUBLIC: Array<Record<string, string[]>> = [{}, { apiKey: [] }];
export const SESSION: Array<Record<string, string[]>> = [{ session: [] }];
export const SESSION_OR_KEY: Array<Record<string, string[]>> = [{ session: [] }, { apiKey: [] }];
/** Anyone; a signed-in session adds what is the person's own (their support, their vote). */
export const OPTIONAL_SESSION: Array<Record<string, string[]>> = [{}, { session: [] }];
export const SIGNED: Array<Record<string, string[]>> = [{}];

/** `?lang=`: the language of translated texts in the answer (one text instead of one per language). */
export const LangQuery = Type.Optional(
  Type.String({
    pattern: '^[a-z]{2}$',
    description: 'A language code: translated texts come as one text in it (or the city’s default language)',
  }),
);

/** `?fields=`: a sparse fieldset, the names separated by commas. */
export const FieldsQuery = Type.Optional(
  Type.String({
    maxLength: 2000,
    pattern: '^[a-z0-9_]+(,[a-z0-9_]+)*$',
    description: 'Only these fields, separated by commas (`fields=id,title`)',
  }),
);

/** `?cursor=`: the opaque cursor of a `next` link; never built by the client. */
export const CursorQuery = Type.Optional(
  Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'From the previous page’s `next` link' }),
);

/** A page of items: the `next` link (null on the last page) carries the cursor and the other parameters. */
export function pageOf<T extends TSchema>(item: T, name: string) {
  return Type.Object({
    [name]: Type.Array(item),
    next: Type.Union([Type.String({ description: 'The address of the next page' }), Type.Null()]),
  });
}

/** An opaque cursor: the keyset position, base64url so that clients treat it as a token. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The keyset position of a cursor; undefined for anything this server did not write. */
export function decodeCursor(cursor: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The address of the next page: this request's path and parameters with `cursor` replaced. Also sent
 * as a `Link: <…>; rel="next"` header (RFC 8288).
 */
export function nextLink(request: FastifyRequest, reply: FastifyReply, cursor: string | null): string | null {
  if (cursor === null) return null;
  const url = new URL(request.url, 'http://x');
  url.searchParams.set('cursor', cursor);
  const link = `${url.pathname}${url.search}`;
  reply.header('link', `<${link}>; rel="next"`);
  return link;
}

/** The fields asked for by `fields=` among those known; `unknown` lists the names that are not. */
export function sparseFields(
  fields: string | undefined,
  known: readonly string[],
): { ok: true; names: readonly string[] } | { ok: false; unknown: string[] } {
  if (!fields) return { ok: true, names: known };
  const asked = [...new Set(fields.split(','))];
  const unknown = asked.filter((name) => !known.includes(name));
  return unknown.length ? { ok: false, unknown } : { ok: true, names: known.filter((name) => asked.includes(name)) };
}

/** The language `lang=` asks for, when it is one the platform speaks. */
export function askedLanguage(lang: string | undefined): Language | undefined {
  return isLanguage(lang) ? lang : undefined;
}

/** A strong entity tag for an answer's bytes. */
export function entityTag(payload: string | Buffer): string {
  return `"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`;
}

/** Whether an If-None-Match header names this tag (or `*`); weak comparison, as RFC 9110 asks for GET. */
export function matchesIfNoneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === tag);
}
