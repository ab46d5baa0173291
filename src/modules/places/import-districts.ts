import type { Db, Tx } from '../../platform/db/database.ts';
import { validateGeometry, type PolygonGeometry } from './geometry.ts';
import { upsertDistrict, type DistrictInput } from './places.repository.ts';

export type ImportOutcome = { ok: true; created: number; updated: number } | { ok: false; problems: string[] };

/**
 * Imports districts and neighbourhoods from a GeoJSON FeatureCollection. Each feature needs a polygon
 * and the properties `code` (or `id`) and `name` (text, or `{ "en": …, "it": … }`); optional `kind`
 * (`district` or `neighbourhood`, default district), `parent` (a district's code) and `population`.
 * Nothing is written unless every feature is valid. Districts are written before neighbourhoods. Given a
 * transaction (a new city's, `npm run city -- create --districts`), it writes in it.
 */
export async function importDistricts(
  db: Db | Tx,
  organisationId: number,
  collection: unknown,
  defaultLanguage: string,
): Promise<ImportOutcome> {
  const problems: string[] = [];
  if (!isRecord(collection) || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    return { ok: false, problems: ['the file must be a GeoJSON FeatureCollection'] };
  }
  const features: unknown[] = collection.features;
  const inputs: DistrictInput[] = [];
  features.forEach((feature, index) => {
    const where = `feature ${index + 1}`;
    const properties = isRecord(feature) && isRecord(feature.properties) ? feature.properties : {};
    const geometry = isRecord(feature) ? feature.geometry : undefined;
    const code = textOf(properties.code ?? properties.id)?.trim() ?? '';
    if (!code) problems.push(`${where}: a "code" property is required`);
    const rawName = properties.name;
    const name = typeof rawName === 'string' ? { [defaultLanguage]: rawName } : rawName;
    if (!isRecord(name) || Object.values(name).some((v) => typeof v !== 'string' || !v.trim())) {
      problems.push(`${where}: "name" must be a text or an object of texts by language`);
    }
    const kind = properties.kind ?? 'district';
    if (kind !== 'district' && kind !== 'neighbourhood')
      problems.push(`${where}: "kind" must be district or neighbourhood`);
    const geometryProblem = validateGeometry(geometry);
    if (geometryProblem) problems.push(`${where}: ${geometryProblem}`);
    const population = properties.population === undefined ? undefined : Number(properties.population);
    if (population !== undefined && (!Number.isInteger(population) || population < 0))
      problems.push(`${where}: "population" must be a whole number`);
    const hasParent = properties.parent !== undefined && properties.parent !== null && properties.parent !== '';
    const parentCode = hasParent ? textOf(properties.parent) : undefined;
    if (hasParent && parentCode === undefined) problems.push(`${where}: "parent" must be the code of a district`);
    inputs.push({
      kind: kind as DistrictInput['kind'],
      code,
      parentCode,
      name: name as Record<string, string>,
      population,
      geometry: geometry as PolygonGeometry,
    });
  });
  if (problems.length > 0) return { ok: false, problems };

  let created = 0;
  let updated = 0;
  const write = async (tx: Db | Tx) => {
    for (const input of [...inputs].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'district' ? -1 : 1))) {
      const result = await upsertDistrict(tx, organisationId, input);
      if (result.created) created++;
      else updated++;
    }
  };
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
  return { ok: true, created, updated };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A code given as text or as a number (GeoJSON exports often use numeric ids); anything else is no code. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
