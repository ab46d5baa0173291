import type { Db } from '../../platform/db/database.ts';
import { validateGeometry, type PolygonGeometry } from './geometry.ts';
import { upsertDistrict, type DistrictInput } from './places.repository.ts';

export type ImportOutcome = { ok: true; created: number; updated: number } | { ok: false; problems: string[] };

/**
 * Imports districts and neighbourhoods from a GeoJSON FeatureCollection. Each feature needs a polygon
 * and the properties `code` (or `id`) and `name` (text, or `{ "en": …, "it": … }`); optional `kind`
 * (`district` or `neighbourhood`, default district), `parent` (a district's code) and `population`.
 * Nothing is written unless every feature is valid. Districts are written before neighbourhoods.
 */
export async function importDistricts(db: Db, organisationId: number, collection: unknown, defaultLanguage: string): Promise<ImportOutcome> {
  const problems: string[] = [];
  const features = (collection as { type?: unknown; features?: unknown })?.features;
  if ((collection as { type?: unknown })?.type !== 'FeatureCollection' || !Array.isArray(features)) {
    return { ok: false, problems: ['the file must be a GeoJSON FeatureCollection'] };
  }
  const inputs: DistrictInput[] = [];
  features.forEach((feature: { properties?: Record<string, unknown>; geometry?: unknown }, index: number) => {
    const where = `feature ${index + 1}`;
    const properties = feature?.properties ?? {};
    const code = String(properties.code ?? properties.id ?? '').trim();
    if (!code) problems.push(`${where}: a "code" property is required`);
    const rawName = properties.name;
    const name = typeof rawName === 'string' ? { [defaultLanguage]: rawName } : rawName;
    if (!name || typeof name !== 'object' || Object.values(name).some((v) => typeof v !== 'string' || !v.trim())) {
      problems.push(`${where}: "name" must be a text or an object of texts by language`);
    }
    const kind = properties.kind ?? 'district';
    if (kind !== 'district' && kind !== 'neighbourhood') problems.push(`${where}: "kind" must be district or neighbourhood`);
    const geometryProblem = validateGeometry(feature?.geometry);
    if (geometryProblem) problems.push(`${where}: ${geometryProblem}`);
    const population = properties.population === undefined ? undefined : Number(properties.population);
    if (population !== undefined && (!Number.isInteger(population) || population < 0)) problems.push(`${where}: "population" must be a whole number`);
    inputs.push({
      kind: kind as DistrictInput['kind'],
      code,
      parentCode: properties.parent ? String(properties.parent) : undefined,
      name: name as Record<string, string>,
      population,
      geometry: feature?.geometry as PolygonGeometry,
    });
  });
  if (problems.length > 0) return { ok: false, problems };

  let created = 0;
  let updated = 0;
  await db.transaction().execute(async (tx) => {
    for (const input of [...inputs].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'district' ? -1 : 1))) {
      const result = await upsertDistrict(tx, organisationId, input);
      if (result.created) created++;
      else updated++;
    }
  });
  return { ok: true, created, updated };
}
