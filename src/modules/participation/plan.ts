import { positionsOf, type MapGeometry } from '../../platform/web/svg-map.ts';
import { rewind } from '../places/index.ts';
import './meetings.schema.ts';

/** The largest plan file accepted, in bytes. */
export const MAX_PLAN_BYTES = 2 * 1024 * 1024;
/** At most this many features, so the map stays quick to draw on the server. */
export const MAX_PLAN_FEATURES = 2000;

export const PLAN_GEOMETRY_TYPES = [
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
] as const;
export type PlanGeometryType = (typeof PLAN_GEOMETRY_TYPES)[number];
type Position = [number, number];

/** A feature of a plan as stored: its geometry (positions as [lng, lat]) and the name shown on the map. */
export interface PlanFeature {
  name: string;
  geometry: MapGeometry;
}

export interface Plan {
  processId: number;
  features: PlanFeature[];
  bbox: { minLng: number; minLat: number; maxLng: number; maxLat: number };
  updatedAt: Date;
}

/** Why a plan file was refused; each is an error code of participation with its own message. */
export type PlanProblem =
  | 'PLAN_TOO_LARGE'
  | 'PLAN_NOT_JSON'
  | 'PLAN_NOT_FEATURE_COLLECTION'
  | 'PLAN_EMPTY'
  | 'PLAN_TOO_MANY_FEATURES'
  | 'PLAN_GEOMETRY_TYPE'
  | 'PLAN_COORDINATES';

export type PlanParse =
  { ok: true; features: PlanFeature[]; bbox: Plan['bbox'] } | { ok: false; code: PlanProblem; feature?: number };

function position(value: unknown): Position | undefined {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) return undefined;
  const [lng, lat] = value as unknown[];
  if (typeof lng !== 'number' || typeof lat !== 'number' || !Number.isFinite(lng) || !Number.isFinite(lat))
    return undefined;
  if (lng < -180 || lng > 180 || lat < -90 || lat > 90) return undefined;
  return [lng, lat];
}

function positions(value: unknown, min: number): Position[] | undefined {
  if (!Array.isArray(value) || value.length < min) return undefined;
  const result: Position[] = [];
  for (const item of value as unknown[]) {
    const p = position(item);
    if (!p) return undefined;
    result.push(p);
  }
  return result;
}

function ring(value: unknown): Position[] | undefined {
  const points = positions(value, 4);
  if (!points) return undefined;
  const first = points[0];
  const last = points[points.length - 1];
  return first && last && first[0] === last[0] && first[1] === last[1] ? points : undefined;
}

function polygon(value: unknown): Position[][] | undefined {
  if (!Array.isArray(value) || value.length < 1) return undefined;
  const rings: Position[][] = [];
  for (const item of value as unknown[]) {
    const r = ring(item);
    if (!r) return undefined;
    rings.push(r);
  }
  return rings;
}

function list<T>(value: unknown, each: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value) || value.length < 1) return undefined;
  const result: T[] = [];
  for (const item of value as unknown[]) {
    const parsed = each(item);
    if (parsed === undefined) return undefined;
    result.push(parsed);
  }
  return result;
}

/** The coordinates of a geometry cleaned to [lng, lat] positions, or undefined when they are not valid for its type. */
function coordinates(type: PlanGeometryType, value: unknown): unknown {
  switch (type) {
    case 'Point':
      return position(value);
    case 'MultiPoint':
      return list(value, position);
    case 'LineString':
      return positions(value, 2);
    case 'MultiLineString':
      return list(value, (item) => positions(item, 2));
    case 'Polygon':
      return polygon(value);
    case 'MultiPolygon':
      return list(value, polygon);
  }
}

function nameOf(properties: unknown, index: number): string {
  const props = properties && typeof properties === 'object' ? (properties as Record<string, unknown>) : {};
  const name = [props.name, props.title, props.label].find(
    (value): value is string => typeof value === 'string' && value.trim() !== '',
  );
  return (name ?? `#${index + 1}`).trim().slice(0, 120);
}

/**
 * Checks an uploaded plan: at most 2 MB of JSON holding a GeoJSON FeatureCollection of 1 to 2,000
 * features, each with a Point, LineString, Polygon (or Multi-) geometry whose positions are numbers in
 * range (longitude −180…180, latitude −90…90), lines of two positions or more, polygon rings closed.
 * Returns the features reduced to what is drawn (name and geometry) and their bounding box, or the
 * first problem with the number of the feature concerned (from 1).
 */
export function parsePlan(text: string): PlanParse {
  if (Buffer.byteLength(text, 'utf8') > MAX_PLAN_BYTES) return { ok: false, code: 'PLAN_TOO_LARGE' };
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, code: 'PLAN_NOT_JSON' };
  }
  if (
    !data ||
    typeof data !== 'object' ||
    (data as { type?: unknown }).type !== 'FeatureCollection' ||
    !Array.isArray((data as { features?: unknown }).features)
  )
    return { ok: false, code: 'PLAN_NOT_FEATURE_COLLECTION' };
  const raw = (data as { features: unknown[] }).features;
  if (raw.length === 0) return { ok: false, code: 'PLAN_EMPTY' };
  if (raw.length > MAX_PLAN_FEATURES) return { ok: false, code: 'PLAN_TOO_MANY_FEATURES' };
  const features: PlanFeature[] = [];
  const bbox = { minLng: Infinity, minLat: Infinity, maxLng: -Infinity, maxLat: -Infinity };
  for (const [index, item] of raw.entries()) {
    const feature = item as { type?: unknown; geometry?: unknown; properties?: unknown } | null;
    if (!feature || typeof feature !== 'object' || feature.type !== 'Feature')
      return { ok: false, code: 'PLAN_NOT_FEATURE_COLLECTION', feature: index + 1 };
    const geometry = feature.geometry as { type?: unknown; coordinates?: unknown } | null;
    const type = geometry && typeof geometry === 'object' ? geometry.type : undefined;
    if (typeof type !== 'string' || !(PLAN_GEOMETRY_TYPES as readonly string[]).includes(type))
      return { ok: false, code: 'PLAN_GEOMETRY_TYPE', feature: index + 1 };
    const cleaned = coordinates(type as PlanGeometryType, geometry?.coordinates);
    if (cleaned === undefined) return { ok: false, code: 'PLAN_COORDINATES', feature: index + 1 };
    // the coordinates were checked against their type just above
    const stored: PlanFeature = {
      name: nameOf(feature.properties, index),
      geometry: rewind({ type, coordinates: cleaned } as MapGeometry),
    };
    for (const [lng = 0, lat = 0] of positionsOf(stored.geometry)) {
      bbox.minLng = Math.min(bbox.minLng, lng);
      bbox.maxLng = Math.max(bbox.maxLng, lng);
      bbox.minLat = Math.min(bbox.minLat, lat);
      bbox.maxLat = Math.max(bbox.maxLat, lat);
    }
    features.push(stored);
  }
  return { ok: true, features, bbox };
}

/**
 * A point to stand for a feature when an author places a proposal "in" it: the point itself, the middle
 * position of a line, or the centre of a polygon's outer ring (mean of its corners).
 */
export function featurePoint(feature: PlanFeature): { lat: number; lng: number } {
  const { geometry } = feature;
  let points: number[][];
  if (geometry.type === 'Polygon') points = (geometry.coordinates[0] ?? []).slice(0, -1);
  else if (geometry.type === 'MultiPolygon') points = (geometry.coordinates[0]?.[0] ?? []).slice(0, -1);
  else if (geometry.type === 'LineString' || geometry.type === 'MultiLineString') {
    const line = geometry.type === 'LineString' ? geometry.coordinates : (geometry.coordinates[0] ?? []);
    const middle = line[Math.floor(line.length / 2)];
    points = middle ? [middle] : [];
  } else points = positionsOf(geometry);
  const n = Math.max(1, points.length);
  const lng = points.reduce((sum, [x = 0]) => sum + x, 0) / n;
  const lat = points.reduce((sum, [, y = 0]) => sum + y, 0) / n;
  return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
}
