// Map geometry: tile coordinates (the index the reports are searched by), boxes and distances.

/** Web-Mercator tile coordinates at zoom 20 (about 38 m at the equator): the unit of map clustering. */
export const TILE_ZOOM = 20;
const SIZE = 2 ** TILE_ZOOM;

export function tileX(lng: number): number {
  return Math.min(SIZE - 1, Math.max(0, Math.floor(((lng + 180) / 360) * SIZE)));
}

export function tileY(lat: number): number {
  const radians = (lat * Math.PI) / 180;
  const y = ((1 - Math.log(Math.tan(radians) + 1 / Math.cos(radians)) / Math.PI) / 2) * SIZE;
  return Math.min(SIZE - 1, Math.max(0, Math.floor(y)));
}

/** Longitude of a tile's west edge, at zoom `TILE_ZOOM - shift`. */
export function tileToLng(x: number, shift = 0): number {
  return ((x * 2 ** shift) / SIZE) * 360 - 180;
}

/** Latitude of a tile's north edge, at zoom `TILE_ZOOM - shift`. */
export function tileToLat(y: number, shift = 0): number {
  const n = Math.PI - (2 * Math.PI * y * 2 ** shift) / SIZE;
  return (180 / Math.PI) * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n)));
}

/** A box in degrees, as the tile index narrows to it. */
export interface BoundingBox {
  minLat: number;
  minLng: number;
  maxLat: number;
  maxLng: number;
}

/** Metres between two points (haversine; plenty precise at city scale). */
export function distanceMeters(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 6_371_000 * 2 * Math.asin(Math.sqrt(a));
}
