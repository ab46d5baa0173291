import type { FastifyRequest } from 'fastify';
import { html, type Html } from '../../../platform/web/html.ts';
import type { DistrictWithGeometry } from '../../places/index.ts';
import { allPositions, type PlanFeature } from '../plan.ts';
import type { Proposal } from '../proposals.repository.ts';
import { plain } from './shared.ts';

const WIDTH = 1000;

function mercatorY(lat: number): number {
  const rad = (lat * Math.PI) / 180;
  return Math.log(Math.tan(Math.PI / 4 + rad / 2));
}

interface Box {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

function rings(district: DistrictWithGeometry): Array<Array<[number, number]>> {
  const polygons = district.geometry.type === 'Polygon' ? [district.geometry.coordinates] : district.geometry.coordinates;
  return polygons.flatMap((polygon) => polygon.map((ring) => ring.map(([lng, lat]) => [lng, lat] as [number, number])));
}

/** The box around the districts, the plan's features and the placed proposals, with a margin. */
function bounds(districts: DistrictWithGeometry[], points: Array<{ lat: number; lng: number }>, center: { lat: number; lng: number }, plan: PlanFeature[] = []): Box {
  const box: Box = { minLat: Infinity, maxLat: -Infinity, minLng: Infinity, maxLng: -Infinity };
  const add = (lng: number, lat: number) => {
    box.minLat = Math.min(box.minLat, lat);
    box.maxLat = Math.max(box.maxLat, lat);
    box.minLng = Math.min(box.minLng, lng);
    box.maxLng = Math.max(box.maxLng, lng);
  };
  for (const district of districts) for (const ring of rings(district)) for (const [lng, lat] of ring) add(lng, lat);
  for (const point of points) add(point.lng, point.lat);
  for (const feature of plan) for (const [lng, lat] of allPositions(feature.geometry)) add(lng, lat);
  if (!Number.isFinite(box.minLat) || box.maxLat - box.minLat < 1e-6 || box.maxLng - box.minLng < 1e-6) return { minLat: center.lat - 0.03, maxLat: center.lat + 0.03, minLng: center.lng - 0.05, maxLng: center.lng + 0.05 };
  const padLat = (box.maxLat - box.minLat) * 0.05;
  const padLng = (box.maxLng - box.minLng) * 0.05;
  return { minLat: box.minLat - padLat, maxLat: box.maxLat + padLat, minLng: box.minLng - padLng, maxLng: box.maxLng + padLng };
}

/**
 * Placed proposals on a map drawn on the server as SVG: district outlines and one linked dot per
 * proposal (gold once past its threshold). It needs neither tiles nor JavaScript, every dot is a link
 * reachable by keyboard with the proposal's title as its name, and the list beside it carries the same
 * content for screen readers. A process's plan, when given, is drawn between the districts and the
 * dots: areas filled, lines stroked, points as small squares, each labelled with its name.
 */
export function proposalMap(request: FastifyRequest, districts: DistrictWithGeometry[], proposals: Proposal[], title: string, plan: PlanFeature[] = []): Html {
  const placed = proposals.filter((p): p is Proposal & { lat: number; lng: number } => p.lat !== null && p.lng !== null);
  const shown = districts.filter((d) => d.kind === 'district');
  const box = bounds(shown, placed, request.organisation.map, plan);
  const top = mercatorY(box.maxLat);
  const span = top - mercatorY(box.minLat);
  const height = Math.max(200, Math.round((WIDTH * span) / (((box.maxLng - box.minLng) * Math.PI) / 180)));
  const x = (lng: number) => Math.round(((lng - box.minLng) / (box.maxLng - box.minLng)) * WIDTH * 10) / 10;
  const y = (lat: number) => Math.round(((top - mercatorY(lat)) / span) * height * 10) / 10;
  return html`<figure class="proposal-map">
<svg viewBox="0 0 ${WIDTH} ${height}" role="group" aria-labelledby="proposal-map-title">
<title id="proposal-map-title">${title}</title>
<g class="map-districts" aria-hidden="true">${shown.map((district) => {
    const outline = rings(district);
    const d = outline.map((ring) => `M${ring.map(([lng, lat]) => `${x(lng)},${y(lat)}`).join('L')}Z`).join('');
    const outer = outline[0] ?? [];
    const cx = outer.reduce((sum, [lng]) => sum + lng, 0) / Math.max(1, outer.length);
    const cy = outer.reduce((sum, [, lat]) => sum + lat, 0) / Math.max(1, outer.length);
    return html`<path d="${d}"></path><text x="${x(cx)}" y="${y(cy)}" text-anchor="middle">${plain(request, district.name)}</text>`;
  })}</g>
${plan.length > 0 ? planLayer(plan, x, y) : ''}
<g>${placed.map(
    (p) => html`<a href="/proposals/${p.id}" class="map-proposal${p.status === 'threshold_reached' ? ' map-proposal--reached' : ''}"><title>${p.title}</title><circle cx="${x(p.lng)}" cy="${y(p.lat)}" r="11"></circle></a>`,
  )}</g>
</svg>
</figure>`;
}

type Position = [number, number];

/** The plan's features as SVG: one group per feature with its shape and its name as a label. */
function planLayer(plan: PlanFeature[], x: (lng: number) => number, y: (lat: number) => number): Html {
  const path = (line: Position[], close: boolean) => `M${line.map(([lng, lat]) => `${x(lng)},${y(lat)}`).join('L')}${close ? 'Z' : ''}`;
  return html`<g class="map-plan" aria-hidden="true">${plan.map((feature) => {
    const { type, coordinates } = feature.geometry;
    let shape: Html;
    if (type === 'Polygon' || type === 'MultiPolygon') {
      const polygons = type === 'Polygon' ? [coordinates as Position[][]] : (coordinates as Position[][][]);
      shape = html`<path class="map-plan__area" d="${polygons.flatMap((polygon) => polygon.map((ring) => path(ring, true))).join('')}" fill-rule="evenodd"></path>`;
    } else if (type === 'LineString' || type === 'MultiLineString') {
      const lines = type === 'LineString' ? [coordinates as Position[]] : (coordinates as Position[][]);
      shape = html`<path class="map-plan__line" d="${lines.map((line) => path(line, false)).join('')}" fill="none"></path>`;
    } else {
      const points = type === 'Point' ? [coordinates as Position] : (coordinates as Position[]);
      shape = html`${points.map(([lng, lat]) => html`<rect class="map-plan__point" x="${x(lng) - 6}" y="${y(lat) - 6}" width="12" height="12"></rect>`)}`;
    }
    const label = allPositions(feature.geometry);
    const cx = label.reduce((sum, [lng]) => sum + lng, 0) / Math.max(1, label.length);
    const cy = label.reduce((sum, [, lat]) => sum + lat, 0) / Math.max(1, label.length);
    return html`<g class="map-plan__feature">${shape}<text x="${x(cx)}" y="${y(cy)}" text-anchor="middle">${feature.name}</text></g>`;
  })}</g>`;
}
