import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorDefinition } from '../../../platform/errors.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, renderPage } from '../../../platform/web/layout.ts';
import type { DistrictWithGeometry } from '../../places/index.ts';
import { currentPhase } from '../ballot-rules.ts';
import type { Budget, Heading, Milestone } from '../budgets.repository.ts';
import type { ResidentProject } from '../projects.repository.ts';
import type { ResidentProjectInput } from '../projects.use-cases.ts';
import { blockerNotice, projectStatus, statusLabel } from './project-parts.ts';
import { projectMap } from './project-map.ts';
import { followUpSection } from './results.view.ts';
import { budgetsAsset, money, paragraphs, phaseLabel, plain, stylesheet, translated } from './shared.ts';

export type PageError = { code: string; fields?: Record<string, string> };

/** The status a page answers with for a refusal code. */
function statusOf(code: string): number {
  return errorDefinition(code)?.status ?? 400;
}

function styles(): Html {
  return html`${stylesheet()}<link rel="stylesheet" href="${budgetsAsset('projects.css')}">`;
}

function headingSelect(request: FastifyRequest, headings: Heading[], selected: number, error?: string): Html {
  const options = headings.map((h): [string, string] => [
    String(h.id),
    `${plain(request, h.name)} — ${money(request, h.amount)}`,
  ]);
  return html`<div class="field${error ? ' field--error' : ''}"><label for="headingId">${request.t('budgets.propose.headingField')}</label>
<p class="field__hint" id="headingId-hint">${request.t('budgets.propose.headingHint')}</p>
${error ? html`<p class="field__error" id="headingId-error">${error}</p>` : ''}
<select id="headingId" name="headingId" aria-describedby="headingId-hint${error ? ' headingId-error' : ''}"${error ? raw(' aria-invalid="true"') : ''}>${options.map(([value, text]) => html`<option value="${value}"${value === String(selected) ? raw(' selected') : ''}>${text}</option>`)}</select></div>`;
}

/** What the resident's project form shows: the budget, the project being edited (null: a new one), the values, and why the viewer may not propose (if so). */
export interface ProjectFormData {
  budget: Budget;
  project: ResidentProject | null;
  values: ResidentProjectInput;
  headings: Heading[];
  blocker: string | undefined;
  error?: PageError | undefined;
}

/** The resident's form to propose a project or edit their own. */
export function projectFormView(request: FastifyRequest, reply: FastifyReply, data: ProjectFormData) {
  const { t } = request;
  const { budget, project, values, headings, blocker, error } = data;
  const errors = error?.fields ?? (error ? { title: t(`budgets.error.${error.code}` as MessageKey) } : {});
  const title = project ? t('budgets.propose.editTitle') : t('budgets.propose.title');
  const action = project ? `/budgets/${budget.id}/projects/${project.id}/edit` : `/budgets/${budget.id}/projects`;
  reply.header('cache-control', 'private, no-store');
  return renderPage(request, reply, {
    title,
    status: error ? statusOf(error.code) : 200,
    noIndex: true,
    main: html`${styles()}<p><a href="/budgets/${budget.id}">${translated(request, budget.title)}</a></p>
<h1>${title}</h1>
${errorSummary(request, errors)}
${blocker && !error ? blockerNotice(request, blocker) : ''}
${
  blocker && !error
    ? ''
    : html`<form method="post" action="${action}" class="stack" novalidate>
${csrfField(request)}
${headingSelect(request, headings, values.headingId, errors.headingId)}
${field({ name: 'title', label: t('budgets.propose.titleField'), value: values.title, error: errors.title, required: true, maxlength: 200 })}
<div class="field${errors.description ? ' field--error' : ''}"><label for="description">${t('budgets.propose.descriptionField')}</label>
<p class="field__hint" id="description-hint">${t('budgets.propose.descriptionHint')}</p>
${errors.description ? html`<p class="field__error" id="description-error">${errors.description}</p>` : ''}
<textarea id="description" name="description" rows="8" maxlength="5000" required aria-describedby="description-hint${errors.description ? ' description-error' : ''}"${errors.description ? raw(' aria-invalid="true"') : ''}>${values.description}</textarea></div>
${field({ name: 'cost', label: t('budgets.propose.costField'), type: 'number', value: Number.isNaN(values.cost) ? '' : String(values.cost), error: errors.cost, hint: t('budgets.propose.costHint'), required: true })}
<fieldset><legend>${t('budgets.propose.place')}</legend>
<p class="field__hint">${t('budgets.propose.placeHint')}</p>
${field({ name: 'lat', label: t('budgets.propose.lat'), value: values.lat === null || Number.isNaN(values.lat) ? '' : String(values.lat), error: errors.lat })}
${field({ name: 'lng', label: t('budgets.propose.lng'), value: values.lng === null || Number.isNaN(values.lng) ? '' : String(values.lng) })}
</fieldset>
<div class="checkbox"><input type="checkbox" id="showAuthor" name="showAuthor" value="yes"${values.showAuthor ? raw(' checked') : ''}><label for="showAuthor">${t('budgets.propose.showAuthor')}</label></div>
<button type="submit" class="button">${project ? t('budgets.propose.save') : t('budgets.propose.submit')}</button>
</form>`
}`,
  });
}

/** What a project's public page shows, as loaded by the route. */
export interface ProjectPageData {
  budget: Budget;
  project: ResidentProject;
  heading: Heading | undefined;
  /** Whether the viewer supports the project. */
  supported: boolean;
  /** Why the viewer may not support it in the supporting phase (undefined: they may, or it is another phase). */
  blocker: string | undefined;
  /** How many supports the viewer has used in the heading, when the budget limits them. */
  used: number | undefined;
  shapes: DistrictWithGeometry[];
  milestones: Milestone[];
  /** The comment thread, rendered by whichever module provides one. */
  comments: Html;
  error?: PageError | undefined;
}

/** A project's public page: facts, description, place, feasibility, supports, follow-up and comments. */
export function projectView(request: FastifyRequest, reply: FastifyReply, data: ProjectPageData) {
  const { t } = request;
  const viewer = request.viewer;
  const { budget, project, heading, supported, blocker, used, shapes, milestones, comments, error } = data;
  const phase = currentPhase(budget);
  const status = projectStatus(budget, project);
  const isAuthor = viewer !== null && project.authorId === viewer.id;
  const errors: Record<string, string> = error
    ? { 'support-title': t(`budgets.error.${error.code}` as MessageKey) }
    : {};
  const author =
    project.authorId === null && project.proposedCost === null
      ? t('budgets.project.byCity')
      : (project.authorName ?? t('budgets.project.byResident'));
  if (viewer) reply.header('cache-control', 'private, no-store');
  const supportAction = `/budgets/${budget.id}/projects/${project.id}/support`;
  return renderPage(request, reply, {
    title: plain(request, project.title),
    description: plain(request, project.description).slice(0, 200),
    ogType: 'article',
    status: error ? statusOf(error.code) : 200,
    main: html`${styles()}<p><a href="/budgets/${budget.id}">${translated(request, budget.title)}</a>${heading ? html` › <a href="/budgets/${budget.id}/headings/${heading.id}">${translated(request, heading.name)}</a>` : ''}</p>
<h1>${translated(request, project.title)}</h1>
${errorSummary(request, errors)}
<dl class="project-facts">
<dt>${t('budgets.admin.heading')}</dt><dd>${heading ? translated(request, heading.name) : ''}</dd>
<dt>${t('budgets.project.cost')}</dt><dd class="ballot-project__cost">${money(request, project.cost)}${project.proposedCost !== null && project.proposedCost !== project.cost ? html` <span class="muted">(${t('budgets.project.estimated', { cost: money(request, project.proposedCost) })})</span>` : ''}</dd>
<dt>${t('budgets.project.status')}</dt><dd><span class="tag">${statusLabel(request, status)}</span></dd>
<dt>${t('budgets.project.author')}</dt><dd>${author}</dd>
</dl>
${paragraphs(request, project.description)}
${
  isAuthor && phase === 'submitting' && project.status === 'submitted'
    ? html`<p><a class="button button--secondary" href="/budgets/${budget.id}/projects/${project.id}/edit">${t('budgets.propose.edit')}</a></p>
<form method="post" action="/budgets/${budget.id}/projects/${project.id}/withdraw" class="inline-form">${csrfField(request)}<button type="submit" class="button button--secondary">${t('budgets.propose.withdraw')}</button></form>`
    : ''
}
${
  project.lat !== null && project.lng !== null
    ? html`<h2>${t('budgets.propose.place')}</h2>
${projectMap(request, shapes, [project], t('budgets.project.mapTitle', { project: plain(request, project.title) }), { currentId: project.id, headingDistrictId: heading?.districtId ?? null })}
<p>${t('budgets.project.placedAt')}: ${project.lat.toFixed(5)}, ${project.lng.toFixed(5)}</p>`
    : ''
}
${
  project.feasibility !== 'undecided'
    ? html`<h2>${t('budgets.project.feasibility')}</h2>
<p><span class="tag">${t(`budgets.feasibility.${project.feasibility}` as MessageKey)}</span></p>
${paragraphs(request, project.feasibilityExplanation)}`
    : ''
}
<section id="support" class="support-box" aria-labelledby="support-title">
<h2 id="support-title">${t('budgets.support.title')}</h2>
<p class="support-count">${t('budgets.support.supports', { count: project.supports })}</p>
${
  phase !== 'supporting'
    ? html`<p>${t('budgets.support.closed', { phase: phaseLabel(request, phase) })}</p>`
    : supported
      ? html`<p>${t('budgets.support.youSupport')}</p><form method="post" action="${supportAction}/withdraw">${csrfField(request)}<button type="submit" class="button button--secondary">${t('budgets.support.withdraw')}<span class="visually-hidden">: ${plain(request, project.title)}</span></button></form>`
      : blocker
        ? blockerNotice(request, blocker)
        : project.status === 'submitted' || project.status === 'selected'
          ? html`<form method="post" action="${supportAction}">${csrfField(request)}<button type="submit" class="button">${t('budgets.support.add')}<span class="visually-hidden">: ${plain(request, project.title)}</span></button></form>`
          : ''
}
${used !== undefined && budget.maxSupportsPerHeading !== null ? html`<p class="muted">${t('budgets.support.used', { used, count: budget.maxSupportsPerHeading })}</p>` : ''}
</section>
${project.funded ? followUpSection(request, [project], milestones, 2) : ''}
${comments}`,
  });
}
