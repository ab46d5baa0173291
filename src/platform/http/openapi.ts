import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { allErrors } from '../errors.ts';
import { html } from '../web/html.ts';
import { renderPage } from '../web/layout.ts';

/**
 * Collects every API route's schema into one OpenAPI 3 document. Register before the routes.
 * Only routes whose schema has `tags` are operations of the API; pages and forms have none and stay out.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    hideUntagged: true,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Interactive City API',
        version: '1',
        description:
          'Open API of Interactive City. Errors are `{ "error": { "code", "message" } }` with a stable code.',
      },
      // relative: each city serves the document on its own address, and the API is at that address
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key created by an administrator.' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'ic_session',
            description: 'A signed-in session; writes also need the X-CSRF-Token header.',
          },
        },
      },
    },
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
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
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
