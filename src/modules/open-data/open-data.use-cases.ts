// Reading the city's open data: which file is asked for, and what the catalogue is made of. Everything
// here is public, so there is no policy beyond the registry: a dataset declares only public fields.

import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { boundingBox, findDistrictsWithGeometry } from '../places/index.ts';
import type { CatalogInput } from './catalog.ts';
import { DATASETS, findDataset, formatsOf, type DatasetSpec } from './datasets.ts';
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
  const boxes = districts.map((district) => boundingBox(district.geometry));
  const bbox =
    boxes.length === 0
      ? null
      : {
          minLng: Math.min(...boxes.map((box) => box.minLng)),
          minLat: Math.min(...boxes.map((box) => box.minLat)),
          maxLng: Math.max(...boxes.map((box) => box.maxLng)),
          maxLat: Math.max(...boxes.map((box) => box.maxLat)),
        };
  return { organisation, url, licence: settings.licence, contactEmail: settings.contactEmail, bbox, datasets };
}
