import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { allErrors } from '../errors.ts';
import { localized } from '../i18n/translate.ts';
import { absoluteUrl } from '../organisations/urls.ts';
import { html } from '../web/html.ts';
import { renderPage } from '../web/layout.ts';
import { apiErrors, entityTag, matchesIfNoneMatch } from './api.ts';

/** A tag of the API document (one per module, usually) with what its operations are about. */
export interface ApiTag {
  name: string;
  description: string;
}

type RouteSchema = {
  tags?: string[];
  operationId?: string;
  params?: unknown;
  querystring?: unknown;
  body?: unknown;
  headers?: unknown;
  response?: Record<string | number, unknown>;
};

/** `GET /api/v1/budgets/:budgetId/results` → `getApiV1BudgetsBudgetIdResults`: for an operation that names none. */
function derivedOperationId(method: string, url: string): string {
  const words = url
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return method.toLowerCase() + words.join('');
}

/**
 * What every operation of the API may answer besides its own outcomes, added to its documentation:
 * 401 (a bad API key is refused on every route), 429 (an API key's quota), 400 when it reads input,
 * 404 when its path names something, 304 for a GET (ETag). An operation may describe them itself.
 */
function withPlatformResponses(method: string, schema: RouteSchema): RouteSchema {
  const response: Record<string | number, unknown> = { ...schema.response };
  const add = (status: number, value: unknown) => {
    if (!(status in response) && !(String(status) in response)) response[status] = value;
  };
  if (method === 'GET') add(304, { type: 'null', description: 'Not modified: the If-None-Match tag is current' });
  if (schema.params || schema.querystring || schema.body || schema.headers) add(400, apiErrors(400)[400]);
  add(401, apiErrors(401)[401]);
  if (schema.params) add(404, apiErrors(404)[404]);
  add(429, apiErrors(429)[429]);
  return { ...schema, response };
}

/**
 * Collects every API route's schema into one OpenAPI 3.1 document. Register before the routes.
 * Only routes whose schema has `tags` are operations of the API; pages and forms have none and stay out.
 * `tags` are the manifests' `apiTags`, described at the top of the document.
 */
export async function registerOpenApi(app: FastifyInstance, tags: readonly ApiTag[] = []): Promise<void> {
  await app.register(swagger, {
    hideUntagged: true,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Interactive City API',
        version: '1',
        description:
          'Open API of Interactive City. Errors are `{ "error": { "code", "message" } }` with a stable code. ' +
          'Lists are read in pages with an opaque cursor (`next` link), `fields=` keeps some fields, `lang=` gives ' +
          'translated texts in one language, and GET answers carry an ETag (send If-None-Match for 304). ' +
          'Requests with an API key count against its quota (RateLimit headers; 429 with Retry-After). See /api/docs.',
        license: { name: 'GNU Affero General Public License v3.0 or later', identifier: 'AGPL-3.0-or-later' },
      },
      // replaced by the city's own address when the document is served (registerApiDocs)
      servers: [{ url: '/', description: 'This city' }],
      tags: [...tags].sort((a, b) => a.name.localeCompare(b.name)),
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key created by an administrator, with a quota of requests per hour and per day.',
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'ic_session',
            description: 'A signed-in session; writes also need the X-CSRF-Token header.',
          },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      // routes declared without a schema have none at run time, whatever the type says
      const routeSchema = schema as RouteSchema | undefined;
      if (!routeSchema?.tags || !url.startsWith('/api/')) return { schema, url };
      const method = (Array.isArray(route.method) ? route.method[0] : route.method) as string;
      const transformed = withPlatformResponses(method, routeSchema);
      transformed.operationId ??= derivedOperationId(method, url);
      return { schema: transformed, url };
    },
  });

  // ETag on every JSON answer of the API read with GET; If-None-Match with a current tag answers 304.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || reply.statusCode !== 200 || !request.url.startsWith('/api/')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    if (String(reply.getHeader('cache-control') ?? '').includes('no-store')) return payload;
    const tag = entityTag(payload);
    reply.header('etag', tag);
    if (!matchesIfNoneMatch(request.headers['if-none-match'], tag)) return payload;
    reply.code(304).removeHeader('content-type').removeHeader('content-length');
    return '';
  });
}

interface OpenApiOperation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string }>;
  requestBody?: unknown;
  responses?: Record<string, { description?: string }>;
}

/** The JSON document and a readable page listing every operation, for people without a tool. */
export function registerApiDocs(app: FastifyInstance): void {
  app.get('/api/openapi.json', { schema: { hide: true } }, async (request, reply) => {
    const document = app.swagger() as Record<string, unknown>;
    const origin = absoluteUrl(request.server, request.organisation, '/').replace(/\/$/, '');
    reply.header('access-control-allow-origin', '*');
    return {
      ...document,
      servers: [
        {
          url: origin,
          description: localized(request.organisation.name, request.lang, request.organisation.defaultLanguage),
        },
      ],
    };
  });
  app.get('/api/docs', { schema: { hide: true } }, async (request, reply) => {
    const document = app.swagger() as { paths?: Record<string, Record<string, OpenApiOperation>> };
    const operations = Object.entries(document.paths ?? {}).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
    );
    return renderPage(request, reply, {
      title: 'API',
      description: 'The open API of the city: endpoints, authentication and error codes.',
      main: html`<h1>Open data and API</h1>
<p>The machine-readable description is at <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).
Authenticate with <code>Authorization: Bearer &lt;key&gt;</code> using a key an administrator created.</p>
<h2>Operations</h2>
${operations.map(
  ({ path, method, operation }) => html`<section class="card">
  <h3><code>${method} ${path}</code></h3>
  ${operation.summary ? html`<p>${operation.summary}</p>` : ''}
  ${operation.description ? html`<p class="muted">${operation.description}</p>` : ''}
  ${
    operation.parameters?.length
      ? html`<p>Parameters: ${operation.parameters.map((p, i) => html`${i > 0 ? ', ' : ''}<code>${p.name}</code> (${p.in}${p.required ? ', required' : ''})`)}</p>`
      : ''
  }
  <p>Responses: ${Object.keys(operation.responses ?? {}).join(', ')}</p>
</section>`,
)}
<h2>Error codes</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Code</th><th scope="col">HTTP status</th><th scope="col">Meaning</th></tr></thead>
<tbody>${allErrors().map(([code, definition]) => html`<tr><td><code>${code}</code></td><td>${definition.status}</td><td>${definition.message}</td></tr>`)}</tbody>
</table></div>`,
    });
  });
}
