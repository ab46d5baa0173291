import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorDefinition } from '../errors.ts';
import { messageKeys, type MessageKey, type Translate } from '../i18n/translate.ts';
import { html } from '../web/html.ts';
import { renderPage } from '../web/layout.ts';

interface ClientError {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Whether the client wants JSON rather than a page: API routes, or a request that asks for JSON. */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url === '/api') return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** Maps anything thrown to the error a client may see; unexpected errors become INTERNAL and are logged. */
export function toClientError(error: unknown, request: FastifyRequest): ClientError {
  if (error instanceof AppError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const problems = fastifyError.validation.map((issue) => {
      const { additionalProperty } = issue.params;
      const extra = typeof additionalProperty === 'string' && additionalProperty ? ` (${additionalProperty})` : '';
      const where = issue.instancePath
        ? issue.instancePath.slice(1).replace(/\//g, '.')
        : (fastifyError.validationContext ?? 'body');
      return { field: where, message: `${issue.message ?? 'is not valid'}${extra}` };
    });
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      message: `The request is not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`,
      details: { problems },
    };
  }
  const code = fastifyError.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return known('BODY_TOO_LARGE');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return known('UNSUPPORTED_MEDIA_TYPE');
  if (
    code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    (fastifyError.statusCode === 400 && error instanceof SyntaxError)
  ) {
    return known('INVALID_JSON');
  }
  if (
    fastifyError.statusCode === undefined &&
    error instanceof Error &&
    MULTIPART_PARSE_ERROR.test(error.message) &&
    /^multipart\//i.test(request.headers['content-type'] ?? '')
  ) {
    return { ...known('VALIDATION_FAILED'), message: 'The form data is cut off or malformed.' };
  }
  if (fastifyError.statusCode === 429) return known('RATE_LIMITED');
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, code: 'VALIDATION_FAILED', message: fastifyError.message };
  }
  request.log.error({ err: error }, 'unexpected error');
  return known('INTERNAL');
}

/**
 * The router's own refusals, answered before any hook ran: a path whose percent-encoding is broken
 * (`%E0%A4%A`) is bad input, a path parameter longer than the router reads names nothing. Neither
 * message repeats the address.
 */
export function frameworkError(error: FastifyError, request: FastifyRequest): ClientError {
  if (error.code === 'FST_ERR_BAD_URL')
    return { ...known('VALIDATION_FAILED'), message: 'The address is not valid: it holds a broken percent-encoding.' };
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return known('NOT_FOUND');
  request.log.error({ err: error }, 'unexpected router error');
  return known('INTERNAL');
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers or address past the size
 * limit, a request too slow to arrive, bytes that are not HTTP): answered in the one JSON error format,
 * then the connection is closed, as Fastify's own handler does.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? known('HEADERS_TOO_LARGE')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? known('REQUEST_TIMEOUT')
        : { ...known('VALIDATION_FAILED'), message: 'The request is not valid HTTP.' };
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}

/** The messages busboy (the multipart parser) gives a body it cannot read: cut off, or not multipart at all. */
const MULTIPART_PARSE_ERROR =
  /^(?:Unexpected end of (?:form|file|multipart data)|Malformed part header|Multipart: Boundary not found)/;

/**
 * `request.t` is declared as always there, but it starts as null and is set in the preHandler hook:
 * an error raised before that (unknown host, body parsing, a 404 before hooks ran) has no translator
 * yet and must be answered without one.
 */
function translatorReady(request: FastifyRequest): boolean {
  return typeof (request as { t: Translate | null }).t === 'function';
}

function known(code: string): ClientError {
  const definition = errorDefinition(code);
  return { status: definition?.status ?? 500, code, message: definition?.message ?? code };
}

let errorKeys: Map<string, MessageKey> | undefined;

/**
 * The interface text of an error code: `error.<CODE>` for the platform's, `<module>.error.<CODE>` for a
 * module's (so that error pages are in the reader's language too); undefined when there is none.
 */
export function errorMessageKey(code: string): MessageKey | undefined {
  if (!errorKeys) {
    errorKeys = new Map();
    for (const key of messageKeys()) {
      const match = /(?:^|\.)error\.([A-Z][A-Z0-9_]*)$/.exec(key);
      if (match?.[1] && (key.startsWith('error.') || !errorKeys.has(match[1]))) errorKeys.set(match[1], key);
    }
  }
  return errorKeys.get(code);
}

/** Sends an error in the client's format: JSON `{ error: { code, message } }` or a page. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: ClientError): FastifyReply {
  if (error.status === 429) {
    const retryAfter = error.details?.retryAfterSeconds;
    reply.header('retry-after', String(typeof retryAfter === 'number' ? retryAfter : 60));
  }
  if (wantsJson(request) || !translatorReady(request)) {
    return reply
      .code(error.status)
      .type('application/json; charset=utf-8')
      .send({
        error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
      });
  }
  const key = errorMessageKey(error.code);
  const message = key ? request.t(key) : error.message;
  const signInLink =
    error.status === 401
      ? html`<p><a class="button" href="/sign-in?next=${encodeURIComponent(request.url)}">${request.t('site.signIn')}</a></p>`
      : '';
  return renderPage(request, reply, {
    title: request.t('error.title'),
    status: error.status,
    noIndex: true,
    main: html`<h1>${request.t('error.title')}</h1><p>${message}</p><p class="muted">${error.code}</p>${signInLink}<p><a href="/">${request.t('error.goHome')}</a></p>`,
  });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => sendError(request, reply, toClientError(error, request)));
  app.setNotFoundHandler((request, reply) => {
    if (wantsJson(request) || !translatorReady(request)) return sendError(request, reply, known('NOT_FOUND'));
    return renderPage(request, reply, {
      title: request.t('error.notFound.title'),
      status: 404,
      noIndex: true,
      main: html`<h1>${request.t('error.notFound.title')}</h1><p>${request.t('error.notFound.text')}</p><p><a href="/">${request.t('error.goHome')}</a></p>`,
    });
  });
}
