import { html, raw, type Html } from './html.ts';

/**
 * Maps drawn on the server as SVG, for every module that shows places: the city's districts, a plan's
 * shapes, dots that link to what stands at a place. They need neither map tiles nor JavaScript; scripts
 * may add to them (zooming, picking a place). Positions are GeoJSON's: `[longitude, latitude]`.
 */

/** A GeoJSON position: longitude, latitude (and possibly more, ignored). */
export type Position = number[];

/** A box of coordinates, in degrees. */
export interface MapBox {
  minLat: number;
  minLng: number;
  maxLat: number;
  maxLng: number;
}

/** The GeoJSON geometries a map draws as areas. */
export type AreaGeometry =
  { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** Any GeoJSON geometry but a collection. */
export type MapGeometry =
  | AreaGeometry
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] };

const WIDTH = 1000;

function mercatorY(lat: number): number {
  const rad = (lat * Math.PI) / 180;
  return Math.log(Math.tan(Math.PI / 4 + rad / 2));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Projects coordinates into an SVG box 1000 units wide (Web Mercator, so shapes match map tiles). */
export class MapProjection {
  readonly bbox: MapBox;
  readonly width = WIDTH;
  readonly height: number;
  readonly #top: number;
  readonly #span: number;

  constructor(bbox: MapBox) {
    this.bbox = bbox;
    this.#top = mercatorY(bbox.maxLat);
    this.#span = this.#top - mercatorY(bbox.minLat);
    const lngSpan = ((bbox.maxLng - bbox.minLng) * Math.PI) / 180;
    this.height = Math.max(200, Math.round((WIDTH * this.#span) / lngSpan));
  }

  x(lng: number): number {
    return round(((lng - this.bbox.minLng) / (this.bbox.maxLng - this.bbox.minLng)) * WIDTH);
  }

  y(lat: number): number {
    return round(((this.#top - mercatorY(lat)) / this.#span) * this.height);
  }

  /** The longitude at a horizontal position of the drawing (the inverse of `x`). */
  lng(x: number): number {
    return this.bbox.minLng + (x / WIDTH) * (this.bbox.maxLng - this.bbox.minLng);
  }

  /** The latitude at a vertical position of the drawing (the inverse of `y`). */
  lat(y: number): number {
    const m = this.#top - (y / this.height) * this.#span;
    return (Math.atan(Math.sinh(m)) * 180) / Math.PI;
  }

  /** The map zoom level whose tiles would show this box at the SVG's width. */
  zoom(): number {
    return Math.log2((WIDTH * 360) / (256 * (this.bbox.maxLng - this.bbox.minLng)));
  }

  /**
   * SVG path data through the positions: `M x,y L x,y …`, closed with `Z` for a ring. Simplified for the drawing
   * (Douglas–Peucker, points within `SIMPLIFY_TOLERANCE` units of the line kept out): a real boundary file has
   * thousands of vertices per district that no one can see on a map 1,000 units wide; the exact shapes stay in the
   * data (which district holds a point is decided on them). A ring smaller than the tolerance draws nothing.
   */
  path(line: Position[], close: boolean): string {
    const points = line.map(([lng = 0, lat = 0]): [number, number] => [this.x(lng), this.y(lat)]);
    const kept = close ? simplifyRing(points, SIMPLIFY_TOLERANCE) : simplifyLine(points, SIMPLIFY_TOLERANCE);
    if (kept.length === 0) return '';
    return `M${kept.map(([x, y]) => `${x},${y}`).join('L')}${close ? 'Z' : ''}`;
  }
}

/** How far (in drawing units, a thousandth of the map's width) a point may lie from the simplified line. */
export const SIMPLIFY_TOLERANCE = 0.6;

type Point = [number, number];

/** The distance from `p` to the segment `a`–`b`, squared. */
function segmentDistanceSquared(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length));
  const x = a[0] + t * dx - p[0];
  const y = a[1] + t * dy - p[1];
  return x * x + y * y;
}

/**
 * A line with the points that change its drawing by less than `tolerance` left out (Douglas–Peucker; iterative, so
 * a long line cannot exhaust the stack). The first and last points stay; repeated points go.
 */
export function simplifyLine(points: Point[], tolerance: number): Point[] {
  const unique = points.filter((p, i) => i === 0 || p[0] !== points[i - 1]?.[0] || p[1] !== points[i - 1]?.[1]);
  if (unique.length <= 2) return unique;
  const keep = new Uint8Array(unique.length);
  keep[0] = 1;
  keep[unique.length - 1] = 1;
  const limit = tolerance * tolerance;
  const stack: Array<[number, number]> = [[0, unique.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop() as [number, number];
    let farthest = -1;
    let distance = limit;
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistanceSquared(unique[i] as Point, unique[first] as Point, unique[last] as Point);
      if (d > distance) {
        distance = d;
        farthest = i;
      }
    }
    if (farthest < 0) continue;
    keep[farthest] = 1;
    stack.push([first, farthest], [farthest, last]);
  }
  return unique.filter((_, i) => keep[i] === 1);
}

/**
 * A closed ring simplified as two lines, from its first point to the point farthest from it and back, so that the
 * ring keeps its extent. A ring that shrinks below three distinct points (smaller than the tolerance) is dropped.
 */
export function simplifyRing(points: Point[], tolerance: number): Point[] {
  const open =
    points.length > 1 && points[0]?.[0] === points.at(-1)?.[0] && points[0]?.[1] === points.at(-1)?.[1]
      ? points.slice(0, -1)
      : points;
  if (open.length < 3) return [];
  const start = open[0] as Point;
  let far = 0;
  let best = -1;
  open.forEach((p, i) => {
    const d = (p[0] - start[0]) ** 2 + (p[1] - start[1]) ** 2;
    if (d > best) {
      best = d;
      far = i;
    }
  });
  if (best <= tolerance * tolerance) return [];
  const there = simplifyLine(open.slice(0, far + 1), tolerance);
  const back = simplifyLine([...open.slice(far), start], tolerance);
  const ring = [...there, ...back.slice(1, -1)];
  return ring.length >= 3 ? ring : [];
}

/** Every position of a geometry, flattened. */
export function positionsOf(geometry: MapGeometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
  }
}

/** The rings of an area, whether one polygon or several. */
function ringsOf(geometry: AreaGeometry): Position[][] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

/**
 * The box around the positions with a margin (a share of each side), or the `center` ± a few
 * kilometres when there is nothing to frame (no position, or all at one point).
 */
export function boxAround(positions: Iterable<Position>, center: { lat: number; lng: number }, margin = 0.05): MapBox {
  let minLat = Infinity,
    maxLat = -Infinity,
    minLng = Infinity,
    maxLng = -Infinity;
  for (const [lng = Number.NaN, lat = Number.NaN] of positions) {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) continue;
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
    minLng = Math.min(minLng, lng);
    maxLng = Math.max(maxLng, lng);
  }
  if (!Number.isFinite(minLat) || maxLat - minLat < 1e-6 || maxLng - minLng < 1e-6)
    return {
      minLat: center.lat - 0.03,
      maxLat: center.lat + 0.03,
      minLng: center.lng - 0.05,
      maxLng: center.lng + 0.05,
    };
  const padLat = (maxLat - minLat) * margin;
  const padLng = (maxLng - minLng) * margin;
  return { minLat: minLat - padLat, maxLat: maxLat + padLat, minLng: minLng - padLng, maxLng: maxLng + padLng };
}

/** Where a label of these positions goes: their average (good enough for the compact shapes of districts). */
function labelAt(positions: Position[]): [number, number] {
  const count = Math.max(1, positions.length);
  return [
    positions.reduce((sum, [lng = 0]) => sum + lng, 0) / count,
    positions.reduce((sum, [, lat = 0]) => sum + lat, 0) / count,
  ];
}

/**
 * Areas (districts) as outlines in a `<g class="map-districts">`, each with its label at the middle of
 * its first ring when `label` is given, and a class of its own when `className` gives one. Hidden from
 * screen readers unless `announced`: pages name the places in words.
 */
export function areaLayer<T extends { geometry: AreaGeometry }>(
  projection: MapProjection,
  areas: T[],
  options: { label?: (area: T) => string; className?: (area: T) => string | undefined; announced?: boolean } = {},
): Html {
  return html`<g class="map-districts"${options.announced ? '' : raw(' aria-hidden="true"')}>${areas.map((area) => {
    const rings = ringsOf(area.geometry);
    const d = rings.map((ring) => projection.path(ring, true)).join('');
    const className = options.className?.(area);
    const path = html`<path d="${d}"${className ? html` class="${className}"` : ''}></path>`;
    if (!options.label) return path;
    const [lng, lat] = labelAt(rings[0] ?? []);
    return html`${path}<text x="${projection.x(lng)}" y="${projection.y(lat)}" text-anchor="middle">${options.label(area)}</text>`;
  })}</g>`;
}

/**
 * GeoJSON features with a name (a plan's parks, streets, sites) in a `<g class="{className}">`: areas
 * filled, lines stroked, points as small squares (`{className}__area`, `__line`, `__point`), each
 * labelled with its name. Hidden from screen readers: the page lists them.
 */
export function featureLayer(
  projection: MapProjection,
  features: Array<{ geometry: MapGeometry; name: string }>,
  className: string,
): Html {
  return html`<g class="${className}" aria-hidden="true">${features.map((feature) => {
    const geometry = feature.geometry;
    let shape: Html;
    if (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') {
      shape = html`<path class="${className}__area" d="${ringsOf(geometry)
        .map((ring) => projection.path(ring, true))
        .join('')}" fill-rule="evenodd"></path>`;
    } else if (geometry.type === 'LineString' || geometry.type === 'MultiLineString') {
      const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates;
      shape = html`<path class="${className}__line" d="${lines.map((line) => projection.path(line, false)).join('')}" fill="none"></path>`;
    } else {
      shape = html`${positionsOf(geometry).map(([lng = 0, lat = 0]) => html`<rect class="${className}__point" x="${projection.x(lng) - 6}" y="${projection.y(lat) - 6}" width="12" height="12"></rect>`)}`;
    }
    const [lng, lat] = labelAt(positionsOf(geometry));
    return html`<g class="${className}__feature">${shape}<text x="${projection.x(lng)}" y="${projection.y(lat)}" text-anchor="middle">${feature.name}</text></g>`;
  })}</g>`;
}

/** A dot on the map that links to what stands there; its title names it for keyboard and screen-reader users. */
export interface MapLink {
  href: string;
  title: string;
  lat: number;
  lng: number;
  className: string;
  radius: number;
}

/** Linked dots, in a `<g>`: each is a link reachable by keyboard. */
export function linkLayer(projection: MapProjection, links: MapLink[]): Html {
  return html`<g>${links.map((link) => html`<a href="${link.href}" class="${link.className}"><title>${link.title}</title><circle cx="${projection.x(link.lng)}" cy="${projection.y(link.lat)}" r="${link.radius}"></circle></a>`)}</g>`;
}

/**
 * A map figure: `<figure class="city-map {className}">` (the look every map shares, in app.css) around an SVG with its title (and description), the layers
 * drawn in order. `role` is `img` for a picture and `group` when it holds links.
 */
export function mapFigure(options: {
  className: string;
  projection: MapProjection;
  id: string;
  title: string;
  description?: string;
  role: 'img' | 'group';
  svgAttributes?: Html;
  layers: Html[];
}): Html {
  const { projection, id } = options;
  const labelledBy = options.description === undefined ? `${id}-title` : `${id}-title ${id}-desc`;
  return html`<figure class="city-map ${options.className}">
<svg viewBox="0 0 ${projection.width} ${projection.height}" role="${options.role}" aria-labelledby="${labelledBy}"${options.svgAttributes ?? ''}>
<title id="${id}-title">${options.title}</title>${options.description === undefined ? '' : html`<desc id="${id}-desc">${options.description}</desc>`}
${options.layers}
</svg>
</figure>`;
}
