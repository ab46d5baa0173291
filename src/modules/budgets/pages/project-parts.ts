import type { FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import type { Budget, Project } from '../budgets.repository.ts';

export const PROJECT_STATUSES = [
  'proposed',
  'not_selected',
  'in_review',
  'unfeasible',
  'on_ballot',
  'funded',
  'not_funded',
  'withdrawn',
] as const;
/** Where a project stands, in residents' words (derived from its stored status, feasibility and results). */
export type PublicStatus = (typeof PROJECT_STATUSES)[number];

/**
 * A project's public status: proposed; not selected (pre-selection); in review (selected, feasibility
 * undecided); unfeasible (with the explanation on its page); on the ballot (selected and feasible);
 * then funded or not once results are published.
 */
export function projectStatus(
  budget: Pick<Budget, 'resultsPublishedAt'>,
  project: Pick<Project, 'status' | 'feasibility' | 'funded'>,
): PublicStatus {
  if (project.status === 'withdrawn') return 'withdrawn';
  if (project.funded) return 'funded';
  if (project.feasibility === 'unfeasible') return 'unfeasible';
  if (project.status === 'rejected') return 'not_selected';
  if (project.status === 'submitted') return 'proposed';
  if (project.feasibility === 'undecided') return 'in_review';
  return budget.resultsPublishedAt ? 'not_funded' : 'on_ballot';
}

export function statusLabel(request: FastifyRequest, status: PublicStatus): string {
  return request.t(`budgets.projectStatus.${status}` as MessageKey);
}

/** Why the viewer cannot propose or support here, with the way forward (sign in, verify, give a year of birth) when there is one. */
export function blockerNotice(request: FastifyRequest, code: string): Html {
  const { t } = request;
  const next = encodeURIComponent(request.url);
  if (code === 'AUTHENTICATION_REQUIRED')
    return html`<p class="notice"><a href="/sign-in?next=${next}">${t('budgets.propose.signIn')}</a></p>`;
  if (code === 'BUDGET_NOT_VERIFIED')
    return html`<p class="notice">${t('budgets.error.BUDGET_NOT_VERIFIED')} <a href="/account/verification?next=${next}">${t('budgets.ballot.verify')}</a></p>`;
  if (code === 'BUDGET_BIRTH_YEAR_MISSING')
    return html`<p class="notice">${t('budgets.error.BUDGET_BIRTH_YEAR_MISSING')} <a href="/account?next=${next}#birth-year">${t('budgets.giveBirthYear')}</a></p>`;
  return html`<p class="notice">${t(`budgets.error.${code}` as MessageKey)}</p>`;
}
