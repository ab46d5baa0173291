/**
 * The one registry of errors a client can see. Each has a stable code, an HTTP status and a readable
 * message (English; pages translate through the `error.<CODE>` message keys when one exists).
 * Modules add their own codes with `defineErrors` so that every code is listed in one place at run time.
 */
export interface ErrorDefinition {
  status: number;
  message: string;
}

const registry = new Map<string, ErrorDefinition>();

/** Registers a module's error codes; a code registered twice is a programming error. */
export function defineErrors<const T extends Record<string, ErrorDefinition>>(definitions: T): T {
  for (const [code, definition] of Object.entries(definitions)) {
    if (registry.has(code)) throw new Error(`Error code ${code} is defined twice`);
    registry.set(code, definition);
  }
  return definitions;
}

export const platformErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This content type is not accepted here.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  NOT_FOUND: { status: 404, message: 'There is nothing at this address.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  AUTHENTICATION_REQUIRED: { status: 401, message: 'Sign in to do this.' },
  SESSION_EXPIRED: { status: 401, message: 'Your session has expired. Sign in again.' },
  INVALID_API_KEY: { status: 401, message: 'The API key is not valid.' },
  API_KEY_SCOPE: {
    status: 403,
    message: 'This API key may not do this: ask the administrator for a key with the right scope.',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    message: 'The form has expired or was not sent from this site. Reload the page and try again.',
  },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts. Wait a moment and try again.' },
  CONFLICT: { status: 409, message: 'This conflicts with the current state.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is not ready. Try again shortly.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side. It has been logged.' },
});

export type ErrorCode = string;

/** An expected failure with a stable code; thrown by use cases and turned into a response by the server. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message?: string, details?: Record<string, unknown>) {
    const definition = registry.get(code);
    if (!definition) throw new Error(`Unknown error code ${code}`);
    super(message ?? definition.message);
    this.name = 'AppError';
    this.code = code;
    this.status = definition.status;
    this.details = details;
  }
}

/** Looks up a registered code; used by the error handler and the OpenAPI document. */
export function errorDefinition(code: string): ErrorDefinition | undefined {
  return registry.get(code);
}

/** All registered codes, for documentation. */
export function allErrors(): Array<[string, ErrorDefinition]> {
  return [...registry.entries()].sort(([a], [b]) => a.localeCompare(b));
}
