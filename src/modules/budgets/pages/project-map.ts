import type { FastifyRequest } from 'fastify';
import type { Html } from '../../../platform/web/html.ts';
import {
  areaLayer,
  boxAround,
  linkLayer,
  mapFigure,
  MapProjection,
  positionsOf,
} from '../../../platform/web/svg-map.ts';
import type { DistrictWithGeometry } from '../../places/index.ts';
import type { ResidentProject } from '../projects.repository.ts';
import { plain } from './shared.ts';

/**
 * Placed projects on a map drawn on the server (platform/web/svg-map.ts): district outlines (the
 * heading's district highlighted) and one linked dot per project, the current one marked. Each dot is a
 * link named by the project's title, and the page states the place in words.
 */
export function projectMap(
  request: FastifyRequest,
  districts: DistrictWithGeometry[],
  projects: ResidentProject[],
  title: string,
  options: { currentId?: number; headingDistrictId?: number | null } = {},
): Html {
  const placed = projects.filter(
    (p): p is ResidentProject & { lat: number; lng: number } => p.lat !== null && p.lng !== null,
  );
  const shown = districts.filter((d) => d.kind === 'district');
  const projection = new MapProjection(
    boxAround(
      [...shown.flatMap((d) => positionsOf(d.geometry)), ...placed.map((p) => [p.lng, p.lat])],
      request.organisation.map,
    ),
  );
  return mapFigure({
    className: 'project-map',
    projection,
    id: 'project-map',
    title,
    role: 'group',
    layers: [
      areaLayer(projection, shown, {
        label: (d) => plain(request, d.name),
        className: (d) => (d.id === options.headingDistrictId ? 'map-heading' : undefined),
      }),
      linkLayer(
        projection,
        placed.map((p) => {
          const current = p.id === options.currentId;
          return {
            href: `/budgets/${p.budgetId}/projects/${p.id}`,
            title: plain(request, p.title),
            lat: p.lat,
            lng: p.lng,
            className: current ? 'map-project map-project--current' : 'map-project',
            radius: current ? 14 : 10,
          };
        }),
      ),
    ],
  });
}
