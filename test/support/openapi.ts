import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

// ajv-formats is CommonJS: its default export is the function
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  servers?: Array<{ url: string }>;
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown }>;
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const escape = (segment: string) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * Checks real answers against the document with ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1):
 * the status must be documented, and a body must match the schema of its status and media type.
 */
export class ResponseChecker {
  readonly document: OpenApiDocument;
  readonly #ajv: Ajv2020;
  readonly #cache = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    this.document = document;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.#ajv);
    this.#ajv.addSchema(document, 'openapi');
  }

  /** The problem with an answer, or undefined when it matches its documentation. */
  async problem(method: string, template: string, response: Response): Promise<string | undefined> {
    const operation = this.document.paths[template]?.[method.toLowerCase()];
    if (!operation) return `${method} ${template} is not documented`;
    const status = String(response.status);
    const documented = operation.responses[status];
    const text = await response.text();
    if (!documented) return `${method} ${template}: status ${status} is not documented (${text.slice(0, 200)})`;
    if (!documented.content) return text === '' ? undefined : `${status} has a body but no documented content`;
    const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!documented.content[type])
      return `${method} ${template} ${status}: content type ${type} is not documented (${Object.keys(documented.content).join(', ')})`;
    if (!documented.content[type].schema) return `${method} ${template} ${status}: no schema`;
    const pointer = ['paths', template, method.toLowerCase(), 'responses', status, 'content', type, 'schema']
      .map(escape)
      .join('/');
    let validate = this.#cache.get(pointer);
    if (!validate) {
      validate = this.#ajv.getSchema(`openapi#/${pointer}`);
      if (!validate) return `${method} ${template} ${status}: the schema cannot be compiled`;
      this.#cache.set(pointer, validate);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `${method} ${template} ${status}: the body is not JSON`;
    }
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? [])
      .slice(0, 3)
      .map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`)
      .join('; ');
    return `${method} ${template} ${status}: ${errors}`;
  }
}
