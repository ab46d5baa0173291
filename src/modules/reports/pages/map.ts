import type { FastifyRequest } from 'fastify';
import type { DistrictWithGeometry } from '../../places/index.ts';
import { streetMap, type StreetMap } from '../../../platform/web/street-map.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import {
  areaLayer,
  boxAround,
  featureLayer,
  mapFigure,
  positionsOf,
  type MapGeometry,
  type MapProjection,
} from '../../../platform/web/svg-map.ts';
import type { BoundingBox } from '../tiles.ts';
import type { ReportCluster } from '../reports-map.repository.ts';

/** The box around all districts, with a small margin; the map centre ± a few km when there are none. */
export function cityBounds(districts: DistrictWithGeometry[], center: { lat: number; lng: number }): BoundingBox {
  return boxAround(
    districts.flatMap((district) => positionsOf(district.geometry)),
    center,
    0.04,
  );
}

/** The districts' outlines (not their neighbourhoods'), labelled when `label` is given. */
function districtPaths(
  projection: MapProjection,
  districts: DistrictWithGeometry[],
  label?: (district: DistrictWithGeometry) => string,
): Html {
  return areaLayer(
    projection,
    districts.filter((district) => district.kind === 'district'),
    label ? { label } : {},
  );
}

/**
 * The street map (Leaflet over MAP_TILE_URL) that `reports-street-map.js` puts in place of the server-drawn map
 * in `browse` or `pick` mode, with the words of its controls; undefined when the city has no tiles.
 */
export function reportsStreetMap(request: FastifyRequest, mode: 'browse' | 'pick'): StreetMap | undefined {
  const { t } = request;
  return streetMap(request, {
    map: t(mode === 'browse' ? 'reports.streetMap.browse' : 'reports.streetMap.pick'),
    zoomIn: t('reports.streetMap.zoomIn'),
    zoomOut: t('reports.streetMap.zoomOut'),
    report: t('reports.streetMap.report', { id: '{{id}}' }),
    group: t('reports.streetMap.group', { n: '{{n}}' }),
    listView: t('reports.streetMap.listView'),
    pin: t('reports.streetMap.pin'),
  });
}

export interface MapOptions {
  projection: MapProjection;
  districts: DistrictWithGeometry[];
  districtLabel: (district: DistrictWithGeometry) => string;
  title: string;
  description: string;
  clusters?: ReportCluster[];
  /** The city's imported streets (`npm run places -- import-streets`), drawn under the clusters and named. */
  streets?: Array<{ geometry: MapGeometry; name: string }>;
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
  return mapFigure({
    className: 'report-map',
    projection,
    id: 'map',
    title: options.title,
    description: options.description,
    role: 'img',
    svgAttributes: html` class="report-map__svg" data-map="${options.mode}" data-min-lat="${bbox.minLat}" data-max-lat="${bbox.maxLat}" data-min-lng="${bbox.minLng}" data-max-lng="${bbox.maxLng}"`,
    layers: [
      html`<rect class="map-background" x="0" y="0" width="${projection.width}" height="${projection.height}"></rect>`,
      districtPaths(projection, options.districts, options.districtLabel),
      options.streets?.length ? featureLayer(projection, options.streets, 'map-streets') : html``,
      html`<g class="map-clusters">${clusters.map((cluster) => {
        const radius = Math.min(38, 7 + Math.sqrt(cluster.count) * 4);
        const closed = cluster.openCount === 0;
        return html`<g class="map-cluster${closed ? ' map-cluster--closed' : ''}" data-min-lat="${cluster.bbox.minLat}" data-max-lat="${cluster.bbox.maxLat}" data-min-lng="${cluster.bbox.minLng}" data-max-lng="${cluster.bbox.maxLng}"${cluster.reportId ? html` data-report="${cluster.reportId}"` : ''}>
<circle cx="${projection.x(cluster.lng)}" cy="${projection.y(cluster.lat)}" r="${Math.round(radius * 10) / 10}"></circle>${cluster.count > 1 ? html`<text x="${projection.x(cluster.lng)}" y="${projection.y(cluster.lat)}" text-anchor="middle" dominant-baseline="central">${cluster.count}</text>` : ''}</g>`;
      })}</g>`,
      options.marker && Number.isFinite(options.marker.lat)
        ? html`<g class="map-marker"><circle cx="${projection.x(options.marker.lng)}" cy="${projection.y(options.marker.lat)}" r="9"></circle></g>`
        : raw('<g class="map-marker" hidden><circle cx="0" cy="0" r="9"></circle></g>'),
    ],
  });
}

/**
 * The city's districts as a standalone SVG document of `width` CSS pixels, for the drawing page's
 * `<input type="image">`: a click on it sends x/y in those pixels, which the projection turns back into
 * coordinates. Styles are inside, as a page's stylesheet does not reach an image.
 */
export function renderMapImage(
  projection: MapProjection,
  districts: DistrictWithGeometry[],
  label: (district: DistrictWithGeometry) => string,
  width: number,
): string {
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
export function renderAreaOverlay(
  projection: MapProjection,
  corners: Array<{ lat: number; lng: number }>,
  width: number,
): Html {
  const height = Math.round((projection.height * width) / projection.width);
  return html`<svg class="area-draw__overlay" viewBox="0 0 ${projection.width} ${projection.height}" width="${width}" height="${height}" aria-hidden="true" focusable="false">
  <polygon class="area-shape"${corners.length < 3 ? raw(' hidden') : ''} points="${points(projection, corners)}"></polygon>
  <polyline class="area-line"${corners.length >= 3 ? raw(' hidden') : ''} points="${points(projection, corners)}"></polyline>
  <g class="area-corners">${corners.map((corner) => html`<circle cx="${projection.x(corner.lng)}" cy="${projection.y(corner.lat)}" r="7"></circle>`)}</g>
</svg>`;
}

/** A small picture of a subscription's area over the district outlines, for the list of subscriptions. */
export function renderAreaThumbnail(
  projection: MapProjection,
  districts: DistrictWithGeometry[],
  corners: Array<{ lat: number; lng: number }>,
  label: string,
): Html {
  return html`<svg class="area-thumbnail" viewBox="0 0 ${projection.width} ${projection.height}" width="160" height="${Math.round((projection.height * 160) / projection.width)}" role="img" aria-label="${label}">
  <rect class="map-background" x="0" y="0" width="${projection.width}" height="${projection.height}"></rect>
  ${districtPaths(projection, districts)}
  <polygon class="area-shape" points="${points(projection, corners)}"></polygon>
</svg>`;
}
