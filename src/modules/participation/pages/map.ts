import type { FastifyRequest } from 'fastify';
import { html, type Html } from '../../../platform/web/html.ts';
import {
  areaLayer,
  boxAround,
  featureLayer,
  linkLayer,
  mapFigure,
  MapProjection,
  positionsOf,
} from '../../../platform/web/svg-map.ts';
import type { DistrictWithGeometry } from '../../places/index.ts';
import type { PlanFeature } from '../plan.ts';
import type { Proposal } from '../proposals.repository.ts';
import { plain } from './shared.ts';

/**
 * Placed proposals on a map drawn on the server (platform/web/svg-map.ts): district outlines and one
 * linked dot per proposal (gold once past its threshold). Every dot is a link reachable by keyboard with
 * the proposal's title as its name, and the list beside it carries the same content for screen readers.
 * A process's plan, when given, is drawn between the districts and the dots: areas filled, lines
 * stroked, points as small squares, each labelled with its name. The map frames all of them.
 */
export function proposalMap(
  request: FastifyRequest,
  districts: DistrictWithGeometry[],
  proposals: Proposal[],
  title: string,
  plan: PlanFeature[] = [],
): Html {
  const placed = proposals.filter(
    (p): p is Proposal & { lat: number; lng: number } => p.lat !== null && p.lng !== null,
  );
  const shown = districts.filter((d) => d.kind === 'district');
  const framed = [
    ...shown.flatMap((d) => positionsOf(d.geometry)),
    ...placed.map((p) => [p.lng, p.lat]),
    ...plan.flatMap((f) => positionsOf(f.geometry)),
  ];
  const projection = new MapProjection(boxAround(framed, request.organisation.map));
  return mapFigure({
    className: 'proposal-map',
    projection,
    id: 'proposal-map',
    title,
    role: 'group',
    layers: [
      areaLayer(projection, shown, { label: (d) => plain(request, d.name) }),
      plan.length > 0 ? featureLayer(projection, plan, 'map-plan') : html``,
      linkLayer(
        projection,
        placed.map((p) => ({
          href: `/proposals/${p.id}`,
          title: p.title,
          lat: p.lat,
          lng: p.lng,
          className: p.status === 'threshold_reached' ? 'map-proposal map-proposal--reached' : 'map-proposal',
          radius: 11,
        })),
      ),
    ],
  });
}
