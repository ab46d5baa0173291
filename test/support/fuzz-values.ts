/**
 * The bad values the fuzz test (test/platform/fuzz.test.ts) sends, each written three ways: inside a
 * URL or urlencoded form (already percent-encoded, so bytes no browser would send get through), as a
 * JSON value (raw bytes, so a lone surrogate escape or invalid UTF-8 reaches the parser) and as the
 * bytes of a multipart field. The classes are the ones that once made the server fail: text
 * PostgreSQL cannot store, numbers its columns cannot hold, dates JavaScript or PostgreSQL cannot
 * read, broken encodings.
 */
export interface BadValue {
  name: string;
  /** Percent-encoded, for a path segment, a query string or an urlencoded body. */
  url: string;
  /** A JSON value as bytes. */
  json: Buffer;
  /** A multipart text field's bytes. */
  bytes: Buffer;
  /** Only telling in JSON (a list or an object where a value is expected). */
  jsonOnly?: boolean;
}

function text(name: string, value: string): BadValue {
  return { name, url: encodeURIComponent(value), json: Buffer.from(JSON.stringify(value)), bytes: Buffer.from(value) };
}

/** A value that is a number literal in JSON and its digits elsewhere. */
function numeral(name: string, value: string): BadValue {
  return { name, url: encodeURIComponent(value), json: Buffer.from(value), bytes: Buffer.from(value) };
}

/** Most telling first: when the time runs out, the last classes are the ones left out. */
export const BAD_VALUES: readonly BadValue[] = [
  text('nul', 'a\u0000b'),
  {
    name: 'lone-surrogate',
    url: '%ED%A0%80',
    json: Buffer.from('"a\\ud800b"'),
    bytes: Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62]),
  },
  {
    name: 'invalid-utf8',
    url: 'a%FF%FEb',
    json: Buffer.from([0x22, 0x61, 0xff, 0xfe, 0x62, 0x22]),
    bytes: Buffer.from([0x61, 0xff, 0xfe, 0x62]),
  },
  numeral('huge-integer', '9999999999999999999'),
  numeral('int32-overflow', '2147483648'),
  numeral('float-overflow', '1e309'),
  text('nan', 'NaN'),
  text('not-a-number', 'abc'),
  text('year-0', '0000-01-01'),
  text('year-275760', '+275760-09-13T00:00:00Z'),
  { ...text('bad-percent', '%E0%A4%A'), url: '%E0%A4%A' },
  numeral('negative', '-1'),
  numeral('zero', '0'),
  text('impossible-day', '2026-02-30'),
  numeral('fraction', '1.5'),
  text('empty', ''),
  { name: 'list', url: '1', json: Buffer.from('["a",1]'), bytes: Buffer.from('1'), jsonOnly: true },
  { name: 'object', url: '1', json: Buffer.from('{"a":{"b":1}}'), bytes: Buffer.from('1'), jsonOnly: true },
  text('long', 'x'.repeat(5000)),
];

/** A minimal JSON Schema, as the OpenAPI document writes TypeBox schemas. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  minItems?: number;
  default?: unknown;
}

/** A value the schema accepts (or close to it), as the valid background of a request with one bad field. */
export function exampleOf(schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices?.length) return exampleOf(choices.find((choice) => choice.type !== 'null') ?? choices[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([name, property]) => [name, exampleOf(property, depth + 1)]),
      );
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => exampleOf(schema.items, depth + 1));
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 1, 1));
    case 'boolean':
      return true;
    case 'string':
      return exampleText(schema);
    default:
      return null;
  }
}

function exampleText(schema: JsonSchema): string {
  switch (schema.format) {
    case 'email':
      return 'fuzz@example.org';
    case 'date-time':
      return '2026-05-01T10:00:00Z';
    case 'date':
      return '2026-05-01';
    case 'uri':
      return 'https://example.org/';
  }
  if (schema.pattern === '^[0-9]{1,9}$' || schema.pattern === '^\\d+$') return '1';
  return 'fuzz text'.padEnd(schema.minLength ?? 0, 'x');
}

/** The paths (`a`, `a.b`, `a.0`) of every field of a JSON value, leaves and containers alike. */
export function fieldPaths(value: unknown, prefix: readonly string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return prefix.length ? [[...prefix]] : [];
  const entries = Array.isArray(value)
    ? value.slice(0, 1).map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  return [
    ...(prefix.length ? [[...prefix]] : []),
    ...entries.flatMap(([key, item]) => fieldPaths(item, [...prefix, key])),
  ];
}

const PLACEHOLDER = 'FUZZ\u2063PLACEHOLDER';

/** The JSON bytes of `value` with the field at `path` replaced by `bad`'s JSON bytes. */
export function jsonWith(value: unknown, path: readonly string[], bad: Buffer): Buffer {
  const copy = structuredClone(value) as Record<string, unknown>;
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path.at(-1) as string] = PLACEHOLDER;
  const [before = '', after = ''] = JSON.stringify(copy).split(JSON.stringify(PLACEHOLDER));
  return Buffer.concat([Buffer.from(before), bad, Buffer.from(after)]);
}

/** An urlencoded body (or query string) from already-encoded values; a list value repeats the name. */
export function urlencoded(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([name, value]) => `${encodeURIComponent(name)}=${value}`).join('&');
}

/** A multipart body of text fields whose values are raw bytes. */
export function multipart(fields: ReadonlyArray<readonly [string, Buffer]>): { body: Buffer; type: string } {
  const boundary = '----fuzz7MA4YWxkTrZu0gW';
  const parts = fields.map(([name, value]) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
      value,
      Buffer.from('\r\n'),
    ]),
  );
  return {
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}
