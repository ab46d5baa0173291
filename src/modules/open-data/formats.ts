// Writing a dataset's rows as CSV (RFC 4180, UTF-8 with a byte order mark, CRLF), JSON and GeoJSON
// (RFC 7946: WGS84 longitude then latitude), page by page so memory stays flat however many rows there are.

import type { Executor } from '../../platform/db/database.ts';
import { CSV_BOM, csvCell, csvRow } from '../../platform/web/csv.ts';
import { rewind } from '../places/index.ts';
import type { DatasetSpec, FieldSpec, Row } from './datasets.ts';

/** Rows read per query: one keyset page. */
export const PAGE_SIZE = 5000;

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

type CellWriter = (value: unknown) => string;

/** How each field type is written in a CSV cell, compiled once per download (the same values as JSON). */
function cellWriter(field: FieldSpec, languages: readonly string[]): CellWriter {
  switch (field.type) {
    case 'integer':
    case 'number':
      return (value) => (value === null || value === undefined ? '' : csvCell(Number(value)));
    case 'boolean':
      return (value) => (value === null || value === undefined ? '' : String(Boolean(value)));
    case 'datetime':
      return (value) =>
        value === null || value === undefined
          ? ''
          : (value instanceof Date ? value : new Date(value as string)).toISOString();
    case 'translated':
      return (value) => {
        const texts = (value === null || value === undefined ? {} : (parsed(value) ?? {})) as Record<string, unknown>;
        let cells = '';
        for (let index = 0; index < languages.length; index++) {
          const text = texts[languages[index] as string];
          cells += (index === 0 ? '' : ',') + (typeof text === 'string' ? csvCell(text) : '');
        }
        return cells;
      };
    case 'integer_list':
      return (value) =>
        value === null || value === undefined ? '' : (parsed(value) as unknown[]).map(Number).join(' ');
    default:
      return (value) => {
        const json = jsonValue(field, value, languages);
        return json === null ? '' : csvCell(json as string);
      };
  }
}

export async function* csvStream(
  dataset: DatasetSpec,
  pages: AsyncIterable<Row[]>,
  languages: readonly string[],
): AsyncGenerator<string> {
  const names = dataset.fields.map((field) => field.name);
  const writers = dataset.fields.map((field) => cellWriter(field, languages));
  yield CSV_BOM + csvRow(csvHeader(dataset, languages));
  for await (const rows of pages) {
    let chunk = '';
    for (const row of rows) {
      let line = '';
      for (let index = 0; index < writers.length; index++)
        line += (index === 0 ? '' : ',') + (writers[index] as CellWriter)(row[names[index] as string]);
      chunk += `${line}\r\n`;
    }
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
