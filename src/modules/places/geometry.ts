/** GeoJSON geometry for districts: polygons and multipolygons, WGS 84 longitude/latitude. */
export type Position = [number, number] | number[];
export type PolygonGeometry =
  { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

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
  return polygons(geometry).some(
    ([outer, ...holes]) =>
      outer !== undefined && inRing(lng, lat, outer) && !holes.some((hole) => inRing(lng, lat, hole)),
  );
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
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')
    return 'geometry must be a Polygon or a MultiPolygon';
  const list = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  if (!Array.isArray(list) || list.length === 0) return 'geometry has no coordinates';
  for (const polygon of list) {
    if (!Array.isArray(polygon) || polygon.length === 0) return 'a polygon has no rings';
    for (const ring of polygon) {
      if (!Array.isArray(ring) || ring.length < 4) return 'a ring needs at least four positions';
      for (const position of ring) {
        if (!Array.isArray(position) || position.length < 2) return 'a position needs a longitude and a latitude';
        const [lng, lat] = position as unknown[];
        if (typeof lng !== 'number' || typeof lat !== 'number' || Math.abs(lng) > 180 || Math.abs(lat) > 90)
          return `position ${JSON.stringify(position)} is not a longitude/latitude pair`;
      }
    }
  }
  return undefined;
}

type Point = readonly [number, number];

function point(position: Position): Point {
  const [x = 0, y = 0] = position as number[];
  return [x, y];
}

/** Which side of the line a→b the point c lies on: > 0 left, < 0 right, 0 on the line. */
function orientation(a: Point, b: Point, c: Point): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

function onSegment(a: Point, b: Point, c: Point): boolean {
  return (
    Math.min(a[0], b[0]) <= c[0] &&
    c[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= c[1] &&
    c[1] <= Math.max(a[1], b[1])
  );
}

/** Whether the segments a–b and c–d share a point (touching and collinear overlap count). */
export function segmentsIntersect(a: Position, b: Position, c: Position, d: Position): boolean {
  const [p1, p2, p3, p4] = [point(a), point(b), point(c), point(d)];
  const o1 = Math.sign(orientation(p1, p2, p3));
  const o2 = Math.sign(orientation(p1, p2, p4));
  const o3 = Math.sign(orientation(p3, p4, p1));
  const o4 = Math.sign(orientation(p3, p4, p2));
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(p1, p2, p3)) ||
    (o2 === 0 && onSegment(p1, p2, p4)) ||
    (o3 === 0 && onSegment(p3, p4, p1)) ||
    (o4 === 0 && onSegment(p3, p4, p2))
  );
}

/**
 * Whether a closed ring (first position repeated last) crosses or touches itself: any two edges that
 * are not neighbours share a point, or neighbours fold back onto each other. O(n²), meant for rings
 * people draw (a hundred corners), not for imported district outlines.
 */
export function ringSelfIntersects(ring: Position[]): boolean {
  const edges = ring.length - 1;
  for (let i = 0; i < edges; i++) {
    const a = ring[i] as Position;
    const b = ring[i + 1] as Position;
    for (let j = i + 1; j < edges; j++) {
      const c = ring[j] as Position;
      const d = ring[j + 1] as Position;
      const neighbours = j === i + 1 || (i === 0 && j === edges - 1);
      if (!neighbours) {
        if (segmentsIntersect(a, b, c, d)) return true;
        continue;
      }
      // neighbours share one corner; they must not overlap along a line (a spike going back)
      const shared = j === i + 1 ? b : a;
      const [other1, other2] = j === i + 1 ? [a, d] : [b, c];
      if (
        orientation(point(other1), point(shared), point(other2)) === 0 &&
        (onSegment(point(shared), point(other1), point(other2)) ||
          onSegment(point(shared), point(other2), point(other1)))
      )
        return true;
    }
  }
  return false;
}

/** The area of a ring in square degrees (shoelace formula); 0 for a ring that encloses nothing. */
export function ringArea(ring: Position[]): number {
  let twice = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = point(ring[i] as Position);
    const [x2, y2] = point(ring[i + 1] as Position);
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

/** Whether a closed ring and a polygon geometry share any part: edges cross, or one holds a corner of the other. */
export function ringOverlapsGeometry(ring: Position[], geometry: PolygonGeometry): boolean {
  const ringGeometry: PolygonGeometry = { type: 'Polygon', coordinates: [ring] };
  if (ring.some(([lng = 0, lat = 0]) => containsPoint(geometry, lng, lat))) return true;
  for (const [outer] of polygons(geometry)) {
    if (!outer) continue;
    if (outer.some(([lng = 0, lat = 0]) => containsPoint(ringGeometry, lng, lat))) return true;
    for (let i = 0; i < ring.length - 1; i++) {
      for (let j = 0; j < outer.length - 1; j++) {
        if (
          segmentsIntersect(
            ring[i] as Position,
            ring[i + 1] as Position,
            outer[j] as Position,
            outer[j + 1] as Position,
          )
        )
          return true;
      }
    }
  }
  return false;
}

/** Twice the signed area of a ring: positive when it turns counterclockwise (x east, y north). */
function signedArea(ring: Position[]): number {
  let twice = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = point(ring[i] as Position);
    const [x2, y2] = point(ring[i + 1] as Position);
    twice += x1 * y2 - x2 * y1;
  }
  return twice;
}

/** A ring turned the asked way (a copy when it must change). */
function orient(ring: Position[], counterclockwise: boolean): Position[] {
  const area = signedArea(ring);
  return area !== 0 && area > 0 !== counterclockwise ? [...ring].reverse() : ring;
}

/**
 * The geometry with its rings wound as RFC 7946 §3.1.6 requires: outer rings counterclockwise, holes
 * clockwise. Files from GIS tools often have them the other way (the shapefile rule); stored districts and
 * plans are rewound on import, and what the platform serves is rewound again on output.
 */
export function rewind<T extends { type: string; coordinates?: unknown; geometries?: unknown }>(geometry: T): T {
  const polygon = (rings: Position[][]): Position[][] => rings.map((ring, index) => orient(ring, index === 0));
  if (geometry.type === 'Polygon' && Array.isArray(geometry.coordinates))
    return { ...geometry, coordinates: polygon(geometry.coordinates as Position[][]) };
  if (geometry.type === 'MultiPolygon' && Array.isArray(geometry.coordinates))
    return { ...geometry, coordinates: (geometry.coordinates as Position[][][]).map(polygon) };
  if (geometry.type === 'GeometryCollection' && Array.isArray(geometry.geometries))
    return {
      ...geometry,
      geometries: (geometry.geometries as { type: string }[]).map((member) => rewind(member)),
    };
  return geometry;
}
