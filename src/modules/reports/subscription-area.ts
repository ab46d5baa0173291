import { defineErrors } from '../../platform/errors.ts';
import {
  boundingBox,
  containsPoint,
  ringArea,
  ringOverlapsGeometry,
  ringSelfIntersects,
  type DistrictWithGeometry,
  type PolygonGeometry,
  type Position,
} from '../places/index.ts';
import type { BoundingBox } from './tiles.ts';

/** Why a drawn area is refused; pages show `reports.error.<CODE>` in the reader's language. */
export const areaErrors = defineErrors({
  REPORT_AREA_INVALID_POINT: {
    status: 400,
    message: 'Each line must be a latitude and a longitude, such as 45.4642, 9.1900.',
  },
  REPORT_AREA_TOO_FEW_POINTS: { status: 400, message: 'Draw at least 3 corners.' },
  REPORT_AREA_TOO_MANY_POINTS: { status: 400, message: 'An area can have at most 100 corners.' },
  REPORT_AREA_SELF_INTERSECTING: {
    status: 400,
    message: 'The edges of the area cross each other. Set the corners in order around the area.',
  },
  REPORT_AREA_OUTSIDE_CITY: {
    status: 400,
    message: 'The area lies outside the city. Draw it over the city’s districts.',
  },
});
export type AreaErrorCode = keyof typeof areaErrors;

export const MIN_CORNERS = 3;
export const MAX_CORNERS = 100;

export interface Corner {
  lat: number;
  lng: number;
}

/** A valid area: a closed GeoJSON ring (longitude, latitude) and its bounding box. */
export interface SubscriptionArea {
  polygon: { type: 'Polygon'; coordinates: [Position[]] };
  bbox: BoundingBox;
}

const LINE = /^(-?\d{1,3}(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:[.,]\d+)?)$/;

/**
 * Reads the corners typed or drawn so far, one `lat, lng` per line (a decimal comma is accepted, as
 * in `45,46; 9,19`). Lines that are not a pair of coordinates are listed in `invalidLines` (1-based).
 */
export function parseCorners(text: string): { corners: Corner[]; invalidLines: number[] } {
  const corners: Corner[] = [];
  const invalidLines: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (!trimmed) return;
    const match = LINE.exec(trimmed);
    const lat = Number(match?.[1]?.replace(',', '.'));
    const lng = Number(match?.[2]?.replace(',', '.'));
    if (!match || !Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 85 || Math.abs(lng) > 180)
      invalidLines.push(index + 1);
    else corners.push({ lat, lng });
  });
  return { corners, invalidLines };
}

/** The corners as the text field shows them: one `lat, lng` per line, six decimals (about 10 cm). */
export function formatCorners(corners: Corner[]): string {
  return corners.map((corner) => `${round6(corner.lat)}, ${round6(corner.lng)}`).join('\n');
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Drops a corner repeated right after itself, and a last corner that repeats the first (the ring closes anyway). */
export function tidyCorners(corners: Corner[]): Corner[] {
  const tidy = corners.filter(
    (corner, index) => index === 0 || corner.lat !== corners[index - 1]?.lat || corner.lng !== corners[index - 1]?.lng,
  );
  const first = tidy[0];
  const last = tidy.at(-1);
  if (tidy.length > 1 && first && last && first.lat === last.lat && first.lng === last.lng) tidy.pop();
  return tidy;
}

/** A rectangle (the view of the map) as the four corners of an area. */
export function cornersOfBox(box: BoundingBox): Corner[] {
  return [
    { lat: box.maxLat, lng: box.minLng },
    { lat: box.maxLat, lng: box.maxLng },
    { lat: box.minLat, lng: box.maxLng },
    { lat: box.minLat, lng: box.minLng },
  ];
}

/**
 * Checks a drawn area: 3 to 100 corners, edges that do not cross, something enclosed, and a part of
 * it over the city (one of its districts, or the map's box when the city has no districts). Returns the
 * closed polygon and its box, or the code of the first problem.
 */
export function validateArea(
  input: Corner[],
  districts: DistrictWithGeometry[],
  cityBox: BoundingBox,
): { ok: SubscriptionArea } | { error: AreaErrorCode } {
  const corners = tidyCorners(input);
  if (corners.length < MIN_CORNERS) return { error: 'REPORT_AREA_TOO_FEW_POINTS' };
  if (corners.length > MAX_CORNERS) return { error: 'REPORT_AREA_TOO_MANY_POINTS' };
  const ring: Position[] = [...corners.map((corner): Position => [round6(corner.lng), round6(corner.lat)])];
  ring.push(ring[0] as Position);
  if (ringArea(ring) < 1e-10 || ringSelfIntersects(ring)) return { error: 'REPORT_AREA_SELF_INTERSECTING' };
  const city: PolygonGeometry[] = districts.length
    ? districts.map((district) => district.geometry)
    : [
        {
          type: 'Polygon',
          coordinates: [
            [
              [cityBox.minLng, cityBox.minLat],
              [cityBox.maxLng, cityBox.minLat],
              [cityBox.maxLng, cityBox.maxLat],
              [cityBox.minLng, cityBox.maxLat],
              [cityBox.minLng, cityBox.minLat],
            ],
          ],
        },
      ];
  if (!city.some((geometry) => ringOverlapsGeometry(ring, geometry))) return { error: 'REPORT_AREA_OUTSIDE_CITY' };
  const polygon: SubscriptionArea['polygon'] = { type: 'Polygon', coordinates: [ring] };
  return { ok: { polygon, bbox: boundingBox(polygon) } };
}

/** The stored polygon of a subscription (jsonb comes back parsed or as text, depending on the driver). */
export function readArea(value: unknown): SubscriptionArea['polygon'] | null {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!parsed || typeof parsed !== 'object') return null;
  const polygon = parsed as { type?: unknown; coordinates?: unknown };
  return polygon.type === 'Polygon' && Array.isArray(polygon.coordinates) && Array.isArray(polygon.coordinates[0])
    ? (polygon as SubscriptionArea['polygon'])
    : null;
}

/** Whether a stored area holds a point; a subscription without an area holds every point. */
export function areaContains(area: unknown, lat: number, lng: number): boolean {
  if (area === null || area === undefined) return true;
  const polygon = readArea(area);
  return polygon !== null && containsPoint(polygon, lng, lat);
}

/** The corners of a stored area, without the closing repetition. */
export function cornersOfArea(area: SubscriptionArea['polygon']): Corner[] {
  return area.coordinates[0].slice(0, -1).map(([lng = 0, lat = 0]) => ({ lat, lng }));
}

/** A map rectangle as an area (a rectangle needs no further check: it closes and never crosses itself). */
export function areaOfBox(box: BoundingBox): SubscriptionArea {
  const ring: Position[] = cornersOfBox(box).map((corner): Position => [round6(corner.lng), round6(corner.lat)]);
  ring.push(ring[0] as Position);
  const polygon: SubscriptionArea['polygon'] = { type: 'Polygon', coordinates: [ring] };
  return { polygon, bbox: boundingBox(polygon) };
}
