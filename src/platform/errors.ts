/**
 * The one registry of errors a client can see. Each has a stable code, an HTTP status and a readable
 * message (English; pages translate through the `error.<CODE>` message keys when one exists).
 * A module lists its codes (written with `defineErrors` in its `<module>.errors.ts`) in its manifest's
 * `errors`; the platform registers every module's codes when it builds the registry (platform/module.ts
 * `buildRegistry`), so importing an errors file registers nothing. See docs/ARCHITECTURE.md, "Errors declared in the manifest".
 */
export interface ErrorDefinition {
  status: number;
  message: string;
}

/** A set of error codes as a module declares them: code → status and English message. */
export type ErrorCatalogue = Readonly<Record<string, ErrorDefinition>>;

/** Who declared each code: `platform` or the module's name. */
const registry = new Map<string, ErrorDefinition & { declaredBy: string }>();

/**
 * Writes a set of error codes with their literal code names kept in the type (so a `keyof typeof`
 * gives the union of codes). Registers nothing: the catalogue goes into the module's manifest.
 */
export function defineErrors<const T extends Record<string, ErrorDefinition>>(definitions: T): T {
  return definitions;
}

/**
 * Registers the codes of the platform and of each module (called by `buildRegistry` at start).
 * A code declared twice — by two modules, by two catalogues of one module, or by a module and the
 * platform — stops the start with an error naming both declarations. Registering the same
 * catalogues again (a second platform built in the same process, as tests do) changes nothing.
 */
export function registerErrors(declarations: ReadonlyArray<{ declaredBy: string; errors: ErrorCatalogue }>): void {
  const next = new Map<string, ErrorDefinition & { declaredBy: string }>();
  const sources = new Map<string, ErrorDefinition>();
  for (const [code, definition] of registry) {
    if (definition.declaredBy === 'platform') {
      next.set(code, definition);
      sources.set(code, platformErrors[code as keyof typeof platformErrors]);
    }
  }
  for (const { declaredBy, errors } of declarations) {
    for (const [code, definition] of Object.entries(errors)) {
      const earlier = next.get(code);
      if (earlier && sources.get(code) !== definition) {
        throw new Error(
          `Error code ${code} is declared twice: by ${describe(earlier.declaredBy)} and by ${describe(declaredBy)}`,
        );
      }
      next.set(code, { ...definition, declaredBy });
      sources.set(code, definition);
    }
  }
  registry.clear();
  for (const [code, definition] of next) registry.set(code, definition);
}

function describe(declaredBy: string): string {
  return declaredBy === 'platform' ? 'the platform (platform/errors.ts)' : `module '${declaredBy}'`;
}

/** The platform's own codes, registered when this file loads (every platform build has them). */
export const platformErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This content type is not accepted here.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The address or the headers of the request are too long.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive.' },
  NOT_FOUND: { status: 404, message: 'There is nothing at this address.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  AUTHENTICATION_REQUIRED: { status: 401, message: 'Sign in to do this.' },
  SESSION_EXPIRED: { status: 401, message: 'Your session has expired. Sign in again.' },
  INVALID_API_KEY: { status: 401, message: 'The API key is not valid.' },
  API_QUOTA_EXCEEDED: {
    status: 429,
    message: 'This API key has used its quota of requests for now: wait for the Retry-After seconds.',
  },
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
for (const [code, definition] of Object.entries(platformErrors))
  registry.set(code, { ...definition, declaredBy: 'platform' });

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

  /**
   * The status under the name Fastify and its plugins read, so that an error handler that knows only
   * `statusCode` (Open311's, a plugin's) answers an AppError as the client error it is.
   */
  get statusCode(): number {
    return this.status;
  }
}

/** Looks up a registered code; used by the error handler and the OpenAPI document. */
export function errorDefinition(code: string): ErrorDefinition | undefined {
  const definition = registry.get(code);
  return definition && { status: definition.status, message: definition.message };
}

/** All registered codes, for documentation. */
export function allErrors(): Array<[string, ErrorDefinition]> {
  return [...registry.entries()]
    .map(([code, { status, message }]): [string, ErrorDefinition] => [code, { status, message }])
    .sort(([a], [b]) => a.localeCompare(b));
}
