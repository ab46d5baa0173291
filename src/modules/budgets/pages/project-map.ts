import type { FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import type { DistrictWithGeometry } from '../../places/index.ts';
import type { ResidentProject } from '../projects.repository.ts';
import { plain } from './shared.ts';

const WIDTH = 1000;

function mercatorY(lat: number): number {
  const rad = (lat * Math.PI) / 180;
  return Math.log(Math.tan(Math.PI / 4 + rad / 2));
}

function rings(district: DistrictWithGeometry): Array<Array<[number, number]>> {
  const polygons = district.geometry.type === 'Polygon' ? [district.geometry.coordinates] : district.geometry.coordinates;
  return polygons.flatMap((polygon) => polygon.map((ring) => ring.map(([lng = 0, lat = 0]) => [lng, lat] as [number, number])));
}

/**
 * Placed projects on a map drawn on the server as SVG — district outlines (the heading's district
 * highlighted) and one linked dot per project, the current one marked. It needs neither tiles nor
 * JavaScript; each dot is a link named by the project's title, and the page states the place in words.
 */
export function projectMap(request: FastifyRequest, districts: DistrictWithGeometry[], projects: ResidentProject[], title: string, options: { currentId?: number; headingDistrictId?: number | null } = {}): Html {
  const placed = projects.filter((p): p is ResidentProject & { lat: number; lng: number } => p.lat !== null && p.lng !== null);
  const shown = districts.filter((d) => d.kind === 'district');
  let minLat = Infinity, maxLat = -Infinity, minLng = Infinity, maxLng = -Infinity;
  const add = (lng: number, lat: number) => {
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
    minLng = Math.min(minLng, lng);
    maxLng = Math.max(maxLng, lng);
  };
  for (const district of shown) for (const ring of rings(district)) for (const [lng, lat] of ring) add(lng, lat);
  for (const p of placed) add(p.lng, p.lat);
  if (!Number.isFinite(minLat) || maxLat - minLat < 1e-6 || maxLng - minLng < 1e-6) {
    const center = request.organisation.map;
    [minLat, maxLat, minLng, maxLng] = [center.lat - 0.03, center.lat + 0.03, center.lng - 0.05, center.lng + 0.05];
  }
  const padLat = (maxLat - minLat) * 0.05;
  const padLng = (maxLng - minLng) * 0.05;
  [minLat, maxLat, minLng, maxLng] = [minLat - padLat, maxLat + padLat, minLng - padLng, maxLng + padLng];
  const top = mercatorY(maxLat);
  const span = top - mercatorY(minLat);
  const height = Math.max(200, Math.round((WIDTH * span) / (((maxLng - minLng) * Math.PI) / 180)));
  const x = (lng: number) => Math.round(((lng - minLng) / (maxLng - minLng)) * WIDTH * 10) / 10;
  const y = (lat: number) => Math.round(((top - mercatorY(lat)) / span) * height * 10) / 10;
  return html`<figure class="project-map">
<svg viewBox="0 0 ${WIDTH} ${height}" role="group" aria-labelledby="project-map-title">
<title id="project-map-title">${title}</title>
<g class="map-districts" aria-hidden="true">${shown.map((district) => {
    const outline = rings(district);
    const d = outline.map((ring) => `M${ring.map(([lng, lat]) => `${x(lng)},${y(lat)}`).join('L')}Z`).join('');
    const outer = outline[0] ?? [];
    const cx = outer.reduce((sum, [lng]) => sum + lng, 0) / Math.max(1, outer.length);
    const cy = outer.reduce((sum, [, lat]) => sum + lat, 0) / Math.max(1, outer.length);
    return html`<path d="${d}"${district.id === options.headingDistrictId ? raw(' class="map-heading"') : ''}></path><text x="${x(cx)}" y="${y(cy)}" text-anchor="middle">${plain(request, district.name)}</text>`;
  })}</g>
<g>${placed.map(
    (p) => html`<a href="/budgets/${p.budgetId}/projects/${p.id}" class="map-project${p.id === options.currentId ? ' map-project--current' : ''}"><title>${plain(request, p.title)}</title><circle cx="${x(p.lng)}" cy="${y(p.lat)}" r="${p.id === options.currentId ? 14 : 10}"></circle></a>`,
  )}</g>
</svg>
</figure>`;
}
