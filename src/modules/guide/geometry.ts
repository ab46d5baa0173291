// Distances on the earth for tours (the database measures "near me" itself, with earthdistance).

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres between two points (haversine). */
export function metresBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The length of a path through the points in order, in metres (straight lines between stops). */
export function pathLength(points: ReadonlyArray<{ lat: number; lng: number }>): number {
  let total = 0;
  let previous: { lat: number; lng: number } | undefined;
  for (const point of points) {
    if (previous) total += metresBetween(previous, point);
    previous = point;
  }
  return total;
}

/** Whether a latitude and longitude are real coordinates. */
export function isCoordinate(lat: number, lng: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
}
