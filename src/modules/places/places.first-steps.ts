import type { FirstStep } from '../../platform/module.ts';
import { findDistricts } from './places.repository.ts';

/** The places step of a new city's checklist: its districts, imported from GeoJSON. */
export const placesFirstSteps: readonly FirstStep[] = [
  {
    key: 'districts',
    order: 10,
    label: 'site.districts',
    hint: 'places.firstSteps.districts.hint',
    href: '/districts',
    async done(ctx, organisationId) {
      return (await findDistricts(ctx.db, organisationId)).length > 0;
    },
  },
];
