import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { Config } from './config.ts';

/** The fields of the one line logged per request; the readable format folds them into its message. */
const REQUEST_FIELDS = ['method', 'url', 'status', 'ms'] as const;

/**
 * Structured logs. Secrets and personal data are redacted by path so that a careless
 * `log.info({ body })` cannot leak a password, a token or an e-mail address.
 */
export function loggerOptions(config: Pick<Config, 'logLevel' | 'env'>): LoggerOptions {
  // in production a last net under every line: an e-mail address in the message or in any top-level text
  // field (an error message kept as text) is replaced; elsewhere the log is the developer's mailbox
  const scrub = config.env === 'production';
  return {
    level: config.logLevel,
    redact: {
      paths: [
        'password',
        '*.password',
        '*.*.password',
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.token',
        '*.apiKey',
        '*.secret',
        'email',
        '*.email',
      ],
      censor: '[redacted]',
    },
    ...(scrub
      ? {
          formatters: { log: (object: Record<string, unknown>) => scrubFields(object) },
          hooks: {
            logMethod(args, method) {
              const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubText(arg, 4000) : arg)) as typeof args;
              method.apply(this, scrubbed);
            },
          },
        }
      : {}),
    serializers: {
      err: loggedError,
      req(request: { method: string; url: string; id: string }) {
        return { method: request.method, url: loggedUrl(request.url), id: request.id };
      },
    },
  };
}

/**
 * The server's logger: JSON lines (one object a line, for log collectors, containers and files) or, for a
 * person at a terminal, coloured readable lines through pino-pretty. Both are written synchronously, so the
 * last lines before `process.exit` are not lost.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat' | 'env'>,
  destination: DestinationStream = process.stdout,
): Logger {
  const options = loggerOptions(config);
  if (config.logFormat === 'json') return destination === process.stdout ? pino(options) : pino(options, destination);
  const prettify = prettyFactory({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: ['pid', 'hostname', 'reqId', ...REQUEST_FIELDS].join(','),
    messageFormat: (line, messageKey) => {
      const message = typeof line[messageKey] === 'string' ? line[messageKey] : '';
      return typeof line.reqId === 'string' ? `${message} (${line.reqId})` : message;
    },
  });
  return pino(options, { write: (line: string) => destination.write(prettify(line)) });
}

/**
 * Logs one line per request, when its answer is sent: method, path, status, time taken and (bound by
 * Fastify) the request id. Fastify's own pair of lines ("incoming request", "request completed") is not
 * written. Query-string values are left out: confirmation links and searches carry tokens and addresses.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = {
      method: request.method,
      url: loggedUrl(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    const message = `${fields.method} ${fields.url} ${fields.status} ${fields.ms} ms`;
    if (error) reply.log.error({ ...fields, err: error }, `${message} (answer not completed)`);
    else if (fields.status >= 500) reply.log.error(fields, message);
    else reply.log.info(fields, message);
  }
}

/**
 * A URL fit for a log line: the path and the names of its query parameters, without their values
 * (`/confirm?token=*`); a name that does not look like one is shown as `?`. At most 200 characters.
 */
export function loggedUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  const names = mark < 0 ? [] : [...new Set(new URLSearchParams(url.slice(mark + 1)).keys())];
  const shown = names.map((name) => (/^[A-Za-z_][\w.[\]-]{0,39}$/.test(name) ? `${name}=*` : '?'));
  const logged = shown.length > 0 ? `${path}?${shown.join('&')}` : path;
  return logged.length > 200 ? `${logged.slice(0, 199)}…` : logged;
}

/** Masks an e-mail address for a log line: `j***@example.org`. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

const EMAIL_IN_TEXT = /[^\s@"'<>()=,;:]+@[^\s@"'<>()=,;:]+\.[^\s@"'<>()=,;:]+/g;

/** Text fit for a log line: e-mail addresses replaced, at most `max` characters. */
export function scrubText(text: string, max = 500): string {
  const scrubbed = text.replace(EMAIL_IN_TEXT, '[e-mail]');
  return scrubbed.length > max ? `${scrubbed.slice(0, max - 1)}…` : scrubbed;
}

function scrubFields(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (typeof value !== 'string' || !value.includes('@')) continue;
    copy ??= { ...object };
    copy[key] = scrubText(value);
  }
  return copy ?? object;
}

/**
 * An error as logged: its kind, code, message and stack (with e-mail addresses scrubbed), its cause the same
 * way — and nothing else. Database drivers attach the statement's parameters (`params`, the address tried at
 * sign-in, an administrator's search) and values (`detail`: "Key (email)=(…) already exists"); those stay out.
 */
export function loggedError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrubText(String(error)) };
  const code = (error as { code?: unknown }).code;
  const logged: Record<string, unknown> = {
    type: error.constructor.name,
    message: scrubText(error.message),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(error.stack ? { stack: scrubText(error.stack.split('\n').slice(0, 12).join('\n')) } : {}),
  };
  if (error.cause !== undefined && depth < 3) logged.cause = loggedError(error.cause, depth + 1);
  return logged;
}
