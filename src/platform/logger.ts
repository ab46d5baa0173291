import type { LoggerOptions } from 'pino';
import type { Config } from './config.ts';

/**
 * Structured JSON logs. Secrets and personal data are redacted by path so that a careless
 * `log.info({ body })` cannot leak a password, a token or an e-mail address.
 */
export function loggerOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
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
    serializers: {
      req(request: { method: string; url: string; id: string }) {
        // the query string can carry tokens (confirmation links): log the path only
        return { method: request.method, path: request.url.split('?')[0], id: request.id };
      },
    },
  };
}

/** Masks an e-mail address for a log line: `j***@example.org`. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
