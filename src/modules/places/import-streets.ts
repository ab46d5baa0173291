import type { Db } from '../../platform/db/database.ts';
import { upsertStreets, type LineGeometry, type StreetInput } from './streets.repository.ts';

export type StreetImportOutcome = { ok: true; created: number; updated: number } | { ok: false; problems: string[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLine(value: unknown): value is number[][] {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every(
      (p) =>
        Array.isArray(p) &&
        p.length >= 2 &&
        typeof p[0] === 'number' &&
        typeof p[1] === 'number' &&
        Math.abs(p[0]) <= 180 &&
        Math.abs(p[1]) <= 90,
    )
  );
}

/** Rounds to 6 decimals (10 cm): street lines for a map need no more. */
function rounded(line: number[][]): number[][] {
  return line.map(([lng = 0, lat = 0]) => [Math.round(lng * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6]);
}

/**
 * Imports street lines from a GeoJSON FeatureCollection of LineString or MultiLineString features with a
 * `name` (a text, or `{ "it": …, "de": … }`; OpenStreetMap's `name:<lang>` are added). Streets are keyed
 * by `id` (or the feature's id, or the name), so importing again replaces them. Nothing is written when a
 * feature has a problem; features without a name (footpaths, unnamed service roads) are skipped.
 */
export async function importStreets(
  db: Db,
  organisationId: number,
  collection: unknown,
  defaultLanguage: string,
): Promise<StreetImportOutcome> {
  if (!isRecord(collection) || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features))
    return { ok: false, problems: ['the file must be a GeoJSON FeatureCollection'] };
  const problems: string[] = [];
  const inputs = new Map<string, StreetInput>();
  (collection.features as unknown[]).forEach((feature, index) => {
    const where = `feature ${index + 1}`;
    const properties = isRecord(feature) && isRecord(feature.properties) ? feature.properties : {};
    const geometry = isRecord(feature) ? feature.geometry : undefined;
    const name: Record<string, string> = {};
    if (typeof properties.name === 'string' && properties.name.trim()) name[defaultLanguage] = properties.name.trim();
    else if (isRecord(properties.name))
      for (const [lang, value] of Object.entries(properties.name))
        if (typeof value === 'string' && value.trim()) name[lang] = value.trim();
    for (const [key, value] of Object.entries(properties)) {
      const match = /^name:([a-z]{2,3})$/.exec(key);
      if (match && typeof value === 'string' && value.trim()) name[match[1] as string] ??= value.trim();
    }
    if (Object.keys(name).length === 0) return;
    let lines: number[][][];
    if (isRecord(geometry) && geometry.type === 'LineString' && isLine(geometry.coordinates))
      lines = [geometry.coordinates];
    else if (
      isRecord(geometry) &&
      geometry.type === 'MultiLineString' &&
      Array.isArray(geometry.coordinates) &&
      geometry.coordinates.length > 0 &&
      geometry.coordinates.every(isLine)
    )
      lines = geometry.coordinates;
    else {
      problems.push(
        `${where}: the geometry must be a LineString or MultiLineString of [longitude, latitude] positions`,
      );
      return;
    }
    lines = lines.map(rounded);
    const box = { minLng: Infinity, maxLng: -Infinity, minLat: Infinity, maxLat: -Infinity };
    for (const [lng = 0, lat = 0] of lines.flat()) {
      box.minLng = Math.min(box.minLng, lng);
      box.maxLng = Math.max(box.maxLng, lng);
      box.minLat = Math.min(box.minLat, lat);
      box.maxLat = Math.max(box.maxLat, lat);
    }
    const id = properties.id ?? (isRecord(feature) ? feature.id : undefined);
    const key = typeof id === 'string' || typeof id === 'number' ? String(id) : Object.values(name)[0];
    const shape: LineGeometry =
      lines.length === 1
        ? { type: 'LineString', coordinates: lines[0] as number[][] }
        : { type: 'MultiLineString', coordinates: lines };
    inputs.set(key as string, {
      sourceKey: (key as string).slice(0, 300),
      name,
      geometry: shape,
      box,
    });
  });
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, 25) };
  if (inputs.size === 0) return { ok: false, problems: ['the file holds no named street'] };
  let created = 0;
  await db.transaction().execute(async (tx) => {
    created = await upsertStreets(tx, organisationId, [...inputs.values()]);
  });
  return { ok: true, created, updated: inputs.size - created };
}
