import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError, errorDefinition } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { renderSubjectSections } from '../../../platform/web/subject-sections.ts';
import { findDistrictsWithGeometry } from '../../places/index.ts';
import { currentPhase } from '../ballot-rules.ts';
import { findBudget, findHeadings, findMilestones, type Budget } from '../budgets.repository.ts';
import {
  countSupportsInHeading,
  findResidentProject,
  findSupportedProjects,
  type ResidentProject,
} from '../projects.repository.ts';
import {
  editOwnProject,
  eligibilityBlocker,
  proposeProject,
  supportProject,
  withdrawOwnProject,
  withdrawProjectSupport,
  type FieldErrors,
  type ProjectFieldProblem,
  type ResidentProjectInput,
} from '../projects.use-cases.ts';
import { projectMap } from './project-map.ts';
import { parseId, readForm, withNumbersAsNaN } from '../../../platform/web/forms.ts';
import { ResidentProjectForm } from '../budgets.forms.ts';
import { money, paragraphs, pathId, phaseLabel, plain, translated } from './shared.ts';
import { followUpSection } from './results.pages.ts';
import { blockerNotice, projectStatus, statusLabel } from './project-parts.ts';
import { headingSelect, styles } from './projects.view.ts';

type PageError = { code: string; fields?: Record<string, string> };

/** The status a page answers with for a refusal code. */
function statusOf(code: string): number {
  return errorDefinition(code)?.status ?? 400;
}

/** The resident's project form as sent; numbers that are not numbers stay NaN so validation names them. */
function inputFromForm(body: unknown): ResidentProjectInput {
  const form = withNumbersAsNaN(ResidentProjectForm, readForm(ResidentProjectForm, body));
  // Residents write amounts with thousands separators ("12.500", "12 500", "12'500"): whole units only.
  const cost = form.cost.replace(/[\s.,'’]/g, '');
  return {
    headingId: parseId(form.headingId) ?? 0,
    title: form.title,
    description: form.description,
    cost: /^\d{1,15}$/.test(cost) ? Number(cost) : Number.NaN,
    lat: form.lat ?? null,
    lng: form.lng ?? null,
    showAuthor: form.showAuthor,
  };
}

/** Residents' pages: propose, edit and withdraw a project, the project page, supports. */
/** The text of each field problem of a resident's project. */
const PROBLEM_TEXT: Record<ProjectFieldProblem, MessageKey> = {
  title: 'budgets.propose.error.title',
  titleTooLong: 'budgets.error.titleTooLong',
  description: 'budgets.propose.error.description',
  place: 'budgets.propose.error.place',
  placeOutside: 'budgets.propose.error.placeOutside',
  cost: 'budgets.propose.error.cost',
  heading: 'budgets.error.heading',
};

export function registerProjectPages(app: App, ctx: AppContext): void {
  async function requireBudget(request: FastifyRequest, id: string): Promise<Budget> {
    const budget = await findBudget(ctx.db, request.organisation.id, pathId(id));
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    return budget;
  }

  async function requireProject(budget: Budget, id: string): Promise<ResidentProject> {
    const project = await findResidentProject(ctx.db, budget.id, pathId(id, 'BUDGET_PROJECT_NOT_FOUND'));
    if (!project || project.status === 'withdrawn') throw new AppError('BUDGET_PROJECT_NOT_FOUND');
    return project;
  }

  app.get<{ Params: { id: string } }>('/budgets/:id/projects/new', async (request, reply) => {
    const budget = await requireBudget(request, request.params.id);
    const empty: ResidentProjectInput = {
      headingId: parseId((request.query as { heading?: unknown }).heading) ?? 0,
      title: '',
      description: '',
      cost: Number.NaN,
      lat: null,
      lng: null,
      showAuthor: false,
    };
    return formPage(request, reply, budget, null, empty);
  });

  app.post<{ Params: { id: string } }>('/budgets/:id/projects', async (request, reply) => {
    const budget = await requireBudget(request, request.params.id);
    const input = inputFromForm(request.body);
    const outcome = await proposeProject(ctx, request.viewer, request.organisation, budget.id, input, request.lang);
    if (outcome.ok) {
      setNotice(reply, 'budgets.propose.created');
      return reply.redirect(`/budgets/${budget.id}/projects/${outcome.id}`, 303);
    }
    if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
    return formPage(request, reply, budget, null, input, {
      code: outcome.code,
      fields: fieldMessages(request, outcome.fields),
    });
  });

  app.get<{ Params: { id: string; projectId: string } }>(
    '/budgets/:id/projects/:projectId/edit',
    async (request, reply) => {
      const budget = await requireBudget(request, request.params.id);
      const project = await requireProject(budget, request.params.projectId);
      if (!request.viewer) throw new AppError('AUTHENTICATION_REQUIRED');
      if (project.authorId !== request.viewer.id) throw new AppError('BUDGET_PROJECT_NOT_YOURS');
      const input: ResidentProjectInput = {
        headingId: project.headingId,
        title: plain(request, project.title),
        description: plain(request, project.description),
        cost: project.proposedCost ?? project.cost,
        lat: project.lat,
        lng: project.lng,
        showAuthor: project.showAuthor,
      };
      return formPage(request, reply, budget, project, input);
    },
  );

  app.post<{ Params: { id: string; projectId: string } }>(
    '/budgets/:id/projects/:projectId/edit',
    async (request, reply) => {
      const budget = await requireBudget(request, request.params.id);
      const project = await requireProject(budget, request.params.projectId);
      const input = inputFromForm(request.body);
      const outcome = await editOwnProject(
        ctx,
        request.viewer,
        request.organisation,
        budget.id,
        project.id,
        input,
        request.lang,
      );
      if (outcome.ok) {
        setNotice(reply, 'budgets.propose.saved');
        return reply.redirect(`/budgets/${budget.id}/projects/${project.id}`, 303);
      }
      if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
      return formPage(request, reply, budget, project, input, {
        code: outcome.code,
        fields: fieldMessages(request, outcome.fields),
      });
    },
  );

  app.post<{ Params: { id: string; projectId: string } }>(
    '/budgets/:id/projects/:projectId/withdraw',
    async (request, reply) => {
      const budget = await requireBudget(request, request.params.id);
      const project = await requireProject(budget, request.params.projectId);
      const outcome = await withdrawOwnProject(ctx, request.viewer, request.organisation, budget.id, project.id);
      if (!outcome.ok) throw new AppError(outcome.code);
      setNotice(reply, 'budgets.propose.withdrawn');
      return reply.redirect(`/budgets/${budget.id}`, 303);
    },
  );

  app.get<{ Params: { id: string; projectId: string } }>('/budgets/:id/projects/:projectId', async (request, reply) => {
    const budget = await requireBudget(request, request.params.id);
    return projectPage(request, reply, budget, await requireProject(budget, request.params.projectId));
  });

  for (const [path, action] of [
    ['support', supportProject],
    ['support/withdraw', withdrawProjectSupport],
  ] as const) {
    app.post<{ Params: { id: string; projectId: string } }>(
      `/budgets/:id/projects/:projectId/${path}`,
      async (request, reply) => {
        const budget = await requireBudget(request, request.params.id);
        const project = await requireProject(budget, request.params.projectId);
        const outcome = await action(ctx, request.viewer, request.organisation, budget.id, project.id);
        if (!outcome.ok) {
          if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
          return projectPage(request, reply, budget, project, { code: outcome.code });
        }
        setNotice(reply, outcome.support.supported ? 'budgets.support.added' : 'budgets.support.removed');
        return reply.redirect(`/budgets/${budget.id}/projects/${project.id}#support`, 303);
      },
    );
  }

  /** The page picks the text of each field problem. */
  function fieldMessages(request: FastifyRequest, errors: FieldErrors | undefined): Record<string, string> | undefined {
    return errors
      ? Object.fromEntries(Object.entries(errors).map(([name, problem]) => [name, request.t(PROBLEM_TEXT[problem])]))
      : undefined;
  }

  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    budget: Budget,
    project: ResidentProject | null,
    values: ResidentProjectInput,
    error?: PageError,
  ) {
    const { t } = request;
    const headings = await findHeadings(ctx.db, budget.id);
    const phase = currentPhase(budget);
    const heading = headings.find((h) => h.id === values.headingId) ?? headings[0];
    const blocker =
      phase !== 'submitting'
        ? 'BUDGET_PROPOSING_CLOSED'
        : heading
          ? await eligibilityBlocker(ctx, request.viewer, request.organisation, budget, heading)
          : undefined;
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

  async function projectPage(
    request: FastifyRequest,
    reply: FastifyReply,
    budget: Budget,
    project: ResidentProject,
    error?: PageError,
  ) {
    const { t } = request;
    const viewer = request.viewer;
    const phase = currentPhase(budget);
    const headings = await findHeadings(ctx.db, budget.id);
    const heading = headings.find((h) => h.id === project.headingId);
    const supported = viewer ? (await findSupportedProjects(ctx.db, budget.id, viewer.id)).has(project.id) : false;
    const blocker =
      phase === 'supporting' && heading
        ? await eligibilityBlocker(ctx, viewer, request.organisation, budget, heading)
        : undefined;
    const used =
      viewer && heading && budget.maxSupportsPerHeading !== null && phase === 'supporting'
        ? await countSupportsInHeading(ctx.db, viewer.id, heading.id)
        : undefined;
    const shapes = project.lat !== null ? await findDistrictsWithGeometry(ctx.db, request.organisation.id) : [];
    const milestones = project.funded ? await findMilestones(ctx.db, [project.id]) : [];
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
    // The comment thread comes from whichever module provides one (participation), through the platform.
    const comments = await renderSubjectSections(request, ctx, { type: 'budget_project', id: project.id });
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
}
