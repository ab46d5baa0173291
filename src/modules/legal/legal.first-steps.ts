import type { FirstStep } from '../../platform/module.ts';
import { findCurrentVersions } from './legal.repository.ts';

/** The legal steps of a new city's checklist: its own privacy notice and code of conduct published. */
export const legalFirstSteps: readonly FirstStep[] = [
  {
    key: 'privacy',
    order: 50,
    label: 'legal.privacy.title',
    hint: 'legal.firstSteps.privacy.hint',
    href: '/admin/legal/privacy',
    async done(ctx, organisationId) {
      return (await findCurrentVersions(ctx.db, organisationId)).privacy > 0;
    },
  },
  {
    key: 'conduct',
    order: 51,
    label: 'legal.conduct.title',
    hint: 'legal.firstSteps.conduct.hint',
    href: '/admin/legal/conduct',
    async done(ctx, organisationId) {
      return (await findCurrentVersions(ctx.db, organisationId)).conduct > 0;
    },
  },
];
