import type { DistrictWithGeometry } from '../../places/index.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import type { BoundingBox, ReportCluster } from '../reports.repository.ts';

const WIDTH = 1000;

function mercatorY(lat: number): number {
  const rad = (lat * Math.PI) / 180;
  return Math.log(Math.tan(Math.PI / 4 + rad / 2));
}

/** Projects coordinates into an SVG box of fixed width (Web Mercator, so shapes match map tiles). */
export class MapProjection {
  readonly bbox: BoundingBox;
  readonly width = WIDTH;
  readonly height: number;
  readonly #top: number;
  readonly #span: number;

  constructor(bbox: BoundingBox) {
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
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The box around all districts, with a small margin; the map centre ± a few km when there are none. */
export function cityBounds(districts: DistrictWithGeometry[], center: { lat: number; lng: number }): BoundingBox {
  const box = { minLat: Infinity, minLng: Infinity, maxLat: -Infinity, maxLng: -Infinity };
  for (const district of districts) {
    for (const ring of district.geometry.type === 'Polygon' ? [district.geometry.coordinates[0]] : district.geometry.coordinates.map((polygon) => polygon[0])) {
      for (const [lng, lat] of ring ?? []) {
        box.minLat = Math.min(box.minLat, lat);
        box.maxLat = Math.max(box.maxLat, lat);
        box.minLng = Math.min(box.minLng, lng);
        box.maxLng = Math.max(box.maxLng, lng);
      }
    }
  }
  if (!Number.isFinite(box.minLat)) return { minLat: center.lat - 0.03, maxLat: center.lat + 0.03, minLng: center.lng - 0.05, maxLng: center.lng + 0.05 };
  const padLat = (box.maxLat - box.minLat) * 0.04;
  const padLng = (box.maxLng - box.minLng) * 0.04;
  return { minLat: box.minLat - padLat, maxLat: box.maxLat + padLat, minLng: box.minLng - padLng, maxLng: box.maxLng + padLng };
}

function districtPaths(projection: MapProjection, districts: DistrictWithGeometry[], label?: (district: DistrictWithGeometry) => string): Html {
  const shown = districts.filter((district) => district.kind === 'district');
  return html`<g class="map-districts">${shown.map((district) => {
    const polygons = district.geometry.type === 'Polygon' ? [district.geometry.coordinates] : district.geometry.coordinates;
    const d = polygons
      .flatMap((polygon) => polygon.map((ring) => `M${ring.map(([lng, lat]) => `${projection.x(lng)},${projection.y(lat)}`).join('L')}Z`))
      .join('');
    const outer = polygons[0]?.[0] ?? [];
    const cx = outer.reduce((sum, [lng]) => sum + lng, 0) / Math.max(1, outer.length);
    const cy = outer.reduce((sum, [, lat]) => sum + lat, 0) / Math.max(1, outer.length);
    return label ? html`<path d="${d}"></path><text x="${projection.x(cx)}" y="${projection.y(cy)}" text-anchor="middle">${label(district)}</text>` : html`<path d="${d}"></path>`;
  })}</g>`;
}

export interface MapOptions {
  projection: MapProjection;
  districts: DistrictWithGeometry[];
  districtLabel: (district: DistrictWithGeometry) => string;
  title: string;
  description: string;
  clusters?: ReportCluster[];
  marker?: { lat: number; lng: number } | undefined;
  /** `browse` lets the script zoom into clusters; `pick` lets it set the form's coordinates. */
  mode: 'browse' | 'pick' | 'static';
}

/**
 * A map drawn on the server as SVG: district outlines, report clusters sized by count, an optional
 * marker. It needs neither tiles nor JavaScript; the script only adds zooming and picking a place.
 * The picture is described for screen readers; the list next to it carries the content.
 */
export function renderMap(options: MapOptions): Html {
  const { projection } = options;
  const { bbox } = projection;
  const clusters = options.clusters ?? [];
  return html`<figure class="report-map">
<svg viewBox="0 0 ${projection.width} ${projection.height}" role="img" aria-labelledby="map-title map-desc" class="report-map__svg" data-map="${options.mode}"
  data-min-lat="${bbox.minLat}" data-max-lat="${bbox.maxLat}" data-min-lng="${bbox.minLng}" data-max-lng="${bbox.maxLng}">
  <title id="map-title">${options.title}</title>
  <desc id="map-desc">${options.description}</desc>
  <rect class="map-background" x="0" y="0" width="${projection.width}" height="${projection.height}"></rect>
  ${districtPaths(projection, options.districts, options.districtLabel)}
  <g class="map-clusters">${clusters.map((cluster) => {
    const radius = Math.min(38, 7 + Math.sqrt(cluster.count) * 4);
    const closed = cluster.openCount === 0;
    return html`<g class="map-cluster${closed ? ' map-cluster--closed' : ''}" data-min-lat="${cluster.bbox.minLat}" data-max-lat="${cluster.bbox.maxLat}" data-min-lng="${cluster.bbox.minLng}" data-max-lng="${cluster.bbox.maxLng}"${cluster.reportId ? html` data-report="${cluster.reportId}"` : ''}>
<circle cx="${projection.x(cluster.lng)}" cy="${projection.y(cluster.lat)}" r="${round(radius)}"></circle>${cluster.count > 1 ? html`<text x="${projection.x(cluster.lng)}" y="${projection.y(cluster.lat)}" text-anchor="middle" dominant-baseline="central">${cluster.count}</text>` : ''}</g>`;
  })}</g>
  ${options.marker && Number.isFinite(options.marker.lat) ? html`<g class="map-marker"><circle cx="${projection.x(options.marker.lng)}" cy="${projection.y(options.marker.lat)}" r="9"></circle></g>` : raw('<g class="map-marker" hidden><circle cx="0" cy="0" r="9"></circle></g>')}
</svg>
</figure>`;
}

/**
 * The city's districts as a standalone SVG document of `width` CSS pixels, for the drawing page's
 * `<input type="image">`: a click on it sends x/y in those pixels, which the projection turns back into
 * coordinates. Styles are inside, as a page's stylesheet does not reach an image.
 */
export function renderMapImage(projection: MapProjection, districts: DistrictWithGeometry[], label: (district: DistrictWithGeometry) => string, width: number): string {
  const height = Math.round((projection.height * width) / projection.width);
  return `<?xml version="1.0" encoding="utf-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${projection.width} ${projection.height}" width="${width}" height="${height}">
<style>.map-background{fill:#eef2f5}.map-districts path{fill:#fff;stroke:#56606b;stroke-width:2}.map-districts text{fill:#2b3440;font:22px sans-serif}</style>
<rect class="map-background" x="0" y="0" width="${projection.width}" height="${projection.height}"/>
${districtPaths(projection, districts, label).value}
</svg>
`;
}

function points(projection: MapProjection, corners: Array<{ lat: number; lng: number }>): string {
  return corners.map((corner) => `${projection.x(corner.lng)},${projection.y(corner.lat)}`).join(' ');
}

/**
 * The area drawn so far, laid over the drawing map (same box): the closed shape from three corners, the
 * line before, a dot on each corner. Hidden from screen readers: the text field lists the corners.
 */
export function renderAreaOverlay(projection: MapProjection, corners: Array<{ lat: number; lng: number }>, width: number): Html {
  const height = Math.round((projection.height * width) / projection.width);
  return html`<svg class="area-draw__overlay" viewBox="0 0 ${projection.width} ${projection.height}" width="${width}" height="${height}" aria-hidden="true" focusable="false">
  <polygon class="area-shape"${corners.length < 3 ? raw(' hidden') : ''} points="${points(projection, corners)}"></polygon>
  <polyline class="area-line"${corners.length >= 3 ? raw(' hidden') : ''} points="${points(projection, corners)}"></polyline>
  <g class="area-corners">${corners.map((corner) => html`<circle cx="${projection.x(corner.lng)}" cy="${projection.y(corner.lat)}" r="7"></circle>`)}</g>
</svg>`;
}

/** A small picture of a subscription's area over the district outlines, for the list of subscriptions. */
export function renderAreaThumbnail(projection: MapProjection, districts: DistrictWithGeometry[], corners: Array<{ lat: number; lng: number }>, label: string): Html {
  return html`<svg class="area-thumbnail" viewBox="0 0 ${projection.width} ${projection.height}" width="160" height="${Math.round((projection.height * 160) / projection.width)}" role="img" aria-label="${label}">
  <rect class="map-background" x="0" y="0" width="${projection.width}" height="${projection.height}"></rect>
  ${districtPaths(projection, districts)}
  <polygon class="area-shape" points="${points(projection, corners)}"></polygon>
</svg>`;
}
