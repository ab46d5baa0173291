// Writing a dataset's rows as CSV (RFC 4180, UTF-8 with a byte order mark, CRLF), JSON and GeoJSON
// (RFC 7946: WGS84 longitude then latitude), page by page so memory stays flat however many rows there are.

import type { Executor } from '../../platform/db/database.ts';
import { CSV_BOM, csvRow, type CsvCell } from '../../platform/web/csv.ts';
import { rewind } from '../places/index.ts';
import type { DatasetSpec, FieldSpec, Row } from './datasets.ts';

/** Rows read per query: one keyset page. */
export const PAGE_SIZE = 1000;

/** Every row of a dataset, read in keyset pages at the time of the request (never a stored copy). */
export async function* datasetRows(
  dataset: DatasetSpec,
  db: Executor,
  organisationId: number,
  pageSize = PAGE_SIZE,
): AsyncGenerator<Row[]> {
  let afterId = 0;
  for (;;) {
    const rows = await dataset.page(db, organisationId, afterId, pageSize);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    afterId = Number(rows[rows.length - 1]?.id);
  }
}

function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function isoDay(value: Date): string {
  return value.toISOString().slice(0, 10);
}

/** One field's value as JSON: the same value in every format, typed. */
export function jsonValue(field: FieldSpec, value: unknown, languages: readonly string[]): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'integer':
    case 'number':
      return Number(value);
    case 'boolean':
      return Boolean(value);
    case 'datetime':
      return new Date(value as string | Date).toISOString();
    case 'date':
      return value instanceof Date ? isoDay(value) : textOf(value).slice(0, 10);
    case 'translated': {
      const texts = (parsed(value) ?? {}) as Record<string, unknown>;
      return Object.fromEntries(
        languages.map((language) => [language, typeof texts[language] === 'string' ? texts[language] : null]),
      );
    }
    case 'integer_list':
      return (parsed(value) as unknown[]).map(Number);
    default:
      return textOf(value);
  }
}

/** The CSV columns of a dataset: a translated field gives one column per city language (`name_en`). */
export function csvHeader(dataset: DatasetSpec, languages: readonly string[]): string[] {
  return dataset.fields.flatMap((field) =>
    field.type === 'translated' ? languages.map((language) => `${field.name}_${language}`) : [field.name],
  );
}

function csvCells(field: FieldSpec, value: unknown, languages: readonly string[]): CsvCell[] {
  const json = jsonValue(field, value, languages);
  if (field.type === 'translated') {
    const texts = (json ?? {}) as Record<string, string | null>;
    return languages.map((language) => texts[language] ?? null);
  }
  if (json === null) return [null];
  if (field.type === 'integer_list') return [{ raw: (json as number[]).join(' ') }];
  if (field.type === 'datetime' || field.type === 'date') return [{ raw: json as string }];
  return [{ raw: /[",;\r\n]/.test(json as string) ? encodeURI(json as string) : (json as string) }];
  return [json as CsvCell];
}

export async function* csvStream(
  dataset: DatasetSpec,
  pages: AsyncIterable<Row[]>,
  languages: readonly string[],
): AsyncGenerator<string> {
  yield CSV_BOM + csvRow(csvHeader(dataset, languages));
  for await (const rows of pages) {
    let chunk = '';
    for (const row of rows)
      chunk += csvRow(dataset.fields.flatMap((field) => csvCells(field, row[field.name], languages)));
    yield chunk;
  }
}

function jsonObject(dataset: DatasetSpec, row: Row, languages: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(dataset.fields.map((field) => [field.name, jsonValue(field, row[field.name], languages)]));
}

/** A JSON array of objects, one per row, keyed by the field names. */
export async function* jsonStream(
  dataset: DatasetSpec,
  pages: AsyncIterable<Row[]>,
  languages: readonly string[],
): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const rows of pages) {
    let chunk = '';
    for (const row of rows) {
      chunk += `${first ? '\n' : ',\n'}${JSON.stringify(jsonObject(dataset, row, languages))}`;
      first = false;
    }
    yield chunk;
  }
  yield '\n]\n';
}

/** A row's place as an RFC 7946 geometry: [longitude, latitude] in WGS84, outer rings counter-clockwise. */
export function rowGeometry(dataset: DatasetSpec, row: Row): unknown {
  const geometry = dataset.geometry;
  if (!geometry) return null;
  if ('point' in geometry) {
    const lng = row[geometry.point.lng];
    const lat = row[geometry.point.lat];
    if (lng === null || lng === undefined || lat === null || lat === undefined) return null;
    return { type: 'Point', coordinates: [Number(lng), Number(lat)] };
  }
  const value = parsed(row[geometry.column]) as { type: string; coordinates?: unknown } | null;
  return value ? rewind(value) : null;
}

/** A GeoJSON FeatureCollection: each row a Feature with its id, place (null when it has none) and fields. */
export async function* geoJsonStream(
  dataset: DatasetSpec,
  pages: AsyncIterable<Row[]>,
  languages: readonly string[],
): AsyncGenerator<string> {
  let first = true;
  yield '{"type":"FeatureCollection","features":[';
  for await (const rows of pages) {
    let chunk = '';
    for (const row of rows) {
      const feature = {
        type: 'Feature',
        id: Number(row.id),
        geometry: rowGeometry(dataset, row),
        properties: jsonObject(dataset, row, languages),
      };
      chunk += `${first ? '\n' : ',\n'}${JSON.stringify(feature)}`;
      first = false;
    }
    yield chunk;
  }
  yield '\n]}\n';
}
