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

  /** SVG path data through the positions: `M x,y L x,y …`, closed with `Z` for a ring. */
  path(line: Position[], close: boolean): string {
    return `M${line.map(([lng = 0, lat = 0]) => `${this.x(lng)},${this.y(lat)}`).join('L')}${close ? 'Z' : ''}`;
  }
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
