/** GeoJSON geometry for districts: polygons and multipolygons, WGS 84 longitude/latitude. */
export type Position = [number, number] | number[];
export type PolygonGeometry = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

export interface BoundingBox {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

function polygons(geometry: PolygonGeometry): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Ray casting on one ring. */
function inRing(lng: number, lat: number, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] as number[];
    const [xj = 0, yj = 0] = ring[j] as number[];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point lies in the geometry (inside an outer ring and outside its holes). */
export function containsPoint(geometry: PolygonGeometry, lng: number, lat: number): boolean {
  return polygons(geometry).some(([outer, ...holes]) => outer !== undefined && inRing(lng, lat, outer) && !holes.some((hole) => inRing(lng, lat, hole)));
}

export function boundingBox(geometry: PolygonGeometry): BoundingBox {
  const box = { minLng: Infinity, minLat: Infinity, maxLng: -Infinity, maxLat: -Infinity };
  for (const polygon of polygons(geometry)) {
    for (const ring of polygon) {
      for (const [lng = 0, lat = 0] of ring as number[][]) {
        box.minLng = Math.min(box.minLng, lng);
        box.maxLng = Math.max(box.maxLng, lng);
        box.minLat = Math.min(box.minLat, lat);
        box.maxLat = Math.max(box.maxLat, lat);
      }
    }
  }
  return box;
}

/** Checks that a value is a valid polygon geometry; returns a reason when it is not. */
export function validateGeometry(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'geometry must be a Polygon or a MultiPolygon';
  const geometry = value as { type?: unknown; coordinates?: unknown };
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') return 'geometry must be a Polygon or a MultiPolygon';
  const list = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (!Array.isArray(list) || list.length === 0) return 'geometry has no coordinates';
  for (const polygon of list) {
    if (!Array.isArray(polygon) || polygon.length === 0) return 'a polygon has no rings';
    for (const ring of polygon) {
      if (!Array.isArray(ring) || ring.length < 4) return 'a ring needs at least four positions';
      for (const position of ring) {
        if (!Array.isArray(position) || position.length < 2) return 'a position needs a longitude and a latitude';
        const [lng, lat] = position as unknown[];
        if (typeof lng !== 'number' || typeof lat !== 'number' || Math.abs(lng) > 180 || Math.abs(lat) > 90) return `position ${JSON.stringify(position)} is not a longitude/latitude pair`;
      }
    }
  }
  return undefined;
}
