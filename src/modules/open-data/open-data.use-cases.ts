// Reading the city's open data: which file is asked for, and what the catalogue is made of. Everything
// here is public, so there is no policy beyond the registry: a dataset declares only public fields.

import type { AppContext } from '../../platform/context.ts';
import { decodeCursor, encodeCursor, sparseFields } from '../../platform/http/api.ts';
import { localized } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { boundingBox, findDistrictsWithGeometry } from '../places/index.ts';
import type { CatalogInput } from './catalog.ts';
import { DATASETS, findDataset, formatsOf, type DatasetSpec } from './datasets.ts';
import { jsonValue } from './formats.ts';
import { findOpenDataSettings } from './settings.repository.ts';

export type Format = 'csv' | 'json' | 'geojson';

export type FileOutcome =
  | { ok: true; dataset: DatasetSpec; format: Format }
  | { ok: false; code: 'OPEN_DATA_NOT_FOUND' | 'OPEN_DATA_FORMAT_NOT_OFFERED' };

/** The dataset and format a file name such as `reports.csv` asks for. */
export function fileFor(name: string): FileOutcome {
  const match = /^([a-z][a-z-]{0,60})\.(csv|json|geojson)$/.exec(name);
  const dataset = match ? findDataset(match[1] as string) : undefined;
  if (!match || !dataset) return { ok: false, code: 'OPEN_DATA_NOT_FOUND' };
  const format = match[2] as Format;
  if (!formatsOf(dataset).includes(format)) return { ok: false, code: 'OPEN_DATA_FORMAT_NOT_OFFERED' };
  return { ok: true, dataset, format };
}

/** Every dataset with the time its data last changed, read now. */
export async function datasetsWithModified(
  ctx: AppContext,
  organisation: Organisation,
): Promise<Array<{ spec: DatasetSpec; modified: Date | null }>> {
  const dates = await Promise.all(DATASETS.map((spec) => spec.modified(ctx.db, organisation.id)));
  return DATASETS.map((spec, index) => ({ spec, modified: dates[index] ?? null }));
}

/** Rows read to find where a dataset's time coverage starts (the first rows in id order are the oldest). */
const PERIOD_ROWS = 200;

/**
 * A dataset's time coverage: from the earliest value of its `temporal` field among its first rows in id
 * order (ids grow with time) to the data's last change (or that start, when it lies later: meetings to come).
 */
async function datasetPeriod(
  ctx: AppContext,
  organisation: Organisation,
  spec: DatasetSpec,
  modified: Date | null,
): Promise<{ start: Date | null; end: Date | null } | null> {
  if (!spec.temporal) return null;
  const field = spec.temporal;
  const rows = await spec.page(ctx.db, organisation.id, 0, PERIOD_ROWS);
  const times = rows
    .map((row) => row[field])
    .filter((value): value is Date | string => value instanceof Date || typeof value === 'string')
    .map((value) => new Date(value).getTime())
    .filter((time) => Number.isFinite(time));
  const start = times.length > 0 ? new Date(Math.min(...times)) : null;
  const end = modified && start && start > modified ? start : modified;
  return start || end ? { start, end } : null;
}

/** The city's extent from its districts: the bounding box, and the districts' polygons (the top level). */
function extent(districts: Awaited<ReturnType<typeof findDistrictsWithGeometry>>) {
  if (districts.length === 0) return { bbox: null, polygons: [] };
  const boxes = districts.map((district) => boundingBox(district.geometry));
  const top = districts.some((district) => district.kind === 'district')
    ? districts.filter((district) => district.kind === 'district')
    : districts;
  return {
    bbox: {
      minLng: Math.min(...boxes.map((box) => box.minLng)),
      minLat: Math.min(...boxes.map((box) => box.minLat)),
      maxLng: Math.max(...boxes.map((box) => box.maxLng)),
      maxLat: Math.max(...boxes.map((box) => box.maxLat)),
    },
    polygons: top.flatMap(({ geometry }) =>
      geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates,
    ),
  };
}

/** What the DCAT-AP catalogue says, read at request time. */
export async function catalogInput(
  ctx: AppContext,
  organisation: Organisation,
  url: (path: string) => string,
): Promise<CatalogInput> {
  const [settings, datasets, districts] = await Promise.all([
    findOpenDataSettings(ctx.db, organisation.id),
    datasetsWithModified(ctx, organisation),
    findDistrictsWithGeometry(ctx.db, organisation.id),
  ]);
  const periods = await Promise.all(
    datasets.map(({ spec, modified }) => datasetPeriod(ctx, organisation, spec, modified)),
  );
  const { bbox, polygons } = extent(districts);
  return {
    organisation,
    url,
    licence: settings.licence,
    contactEmail: settings.contactEmail,
    profiles: {
      dcatApIt: settings.dcatApIt && settings.ipaCode !== null ? { ipaCode: settings.ipaCode } : null,
      geoDcatAp: settings.geoDcatAp,
    },
    bbox,
    polygons,
    datasets: datasets.map((dataset, index) => ({ ...dataset, period: periods[index] ?? null })),
  };
}

export type RecordsOutcome =
  | { ok: true; records: Array<Record<string, unknown>>; next: string | null }
  | {
      ok: false;
      code: 'OPEN_DATA_NOT_FOUND' | 'OPEN_DATA_CURSOR_INVALID' | 'OPEN_DATA_FIELD_UNKNOWN';
      details?: Record<string, unknown>;
    };

/**
 * A page of a dataset's records for the API: the dataset's own keyset page (the same query as its
 * files), after the position an opaque cursor holds, with only the asked fields and, with a language,
 * each translated field as one text.
 */
export async function readRecords(
  ctx: AppContext,
  organisation: Organisation,
  id: string,
  query: { cursor?: string | undefined; limit: number; fields?: string | undefined; lang?: string | undefined },
): Promise<RecordsOutcome> {
  const dataset = findDataset(id);
  if (!dataset) return { ok: false, code: 'OPEN_DATA_NOT_FOUND' };
  const chosen = sparseFields(
    query.fields,
    dataset.fields.map((field) => field.name),
  );
  if (!chosen.ok) return { ok: false, code: 'OPEN_DATA_FIELD_UNKNOWN', details: { fields: chosen.unknown } };
  let afterId = 0;
  if (query.cursor !== undefined) {
    const position = decodeCursor(query.cursor);
    const after = position?.after;
    if (position?.dataset !== dataset.id || typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0)
      return { ok: false, code: 'OPEN_DATA_CURSOR_INVALID' };
    afterId = after;
  }
  const rows = await dataset.page(ctx.db, organisation.id, afterId, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const fields = dataset.fields.filter((field) => chosen.names.includes(field.name));
  // any language code: a text in it, else in the city's default language
  const language = query.lang;
  const languages = organisation.languages;
  const records = page.map((row) =>
    Object.fromEntries(
      fields.map((field) => {
        const value = jsonValue(field, row[field.name], languages);
        if (field.type !== 'translated' || !language || value === null) return [field.name, value];
        const texts = Object.fromEntries(
          Object.entries(value as Record<string, string | null>).filter(
            (entry): entry is [string, string] => entry[1] !== null,
          ),
        );
        const text = localized(texts, language, organisation.defaultLanguage);
        return [field.name, text === '' ? null : text];
      }),
    ),
  );
  const last = page.at(-1);
  const next = rows.length > query.limit && last ? encodeCursor({ dataset: dataset.id, after: Number(last.id) }) : null;
  return { ok: true, records, next };
}
