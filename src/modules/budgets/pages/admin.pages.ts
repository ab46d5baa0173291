import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, setNotice } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { currentPhase } from '../ballot-rules.ts';
import { authorizeBudgets } from '../budgets.policy.ts';
import {
  findBudget,
  findBudgets,
  findHeadings,
  findMilestones,
  findProject,
  findProjects,
  type Budget,
  type PhaseDates,
  type Project,
} from '../budgets.repository.ts';
import {
  FOLLOW_UP_STATUSES,
  PHASES,
  type Feasibility,
  type FollowUpStatus,
  type PhaseSetting,
  type ProjectStatus,
  type VotingRule,
} from '../budgets.schema.ts';
import {
  addHeading,
  addMilestone,
  createBudget,
  saveProject,
  setPhases,
  updateBudget,
  updateFollowUp,
  type BudgetInput,
  type FieldErrors,
  type ProjectInput,
} from '../budget-admin.use-cases.ts';
import { computeResults, publishResults } from '../results.use-cases.ts';
import { readForm, translatedValue, withNumbersAsNaN } from '../../../platform/web/forms.ts';
import { BudgetForm, FollowUpForm, HeadingForm, MilestoneForm, PhasesForm, ProjectForm } from '../budgets.forms.ts';
import { money, number, pathId, phaseLabel, plain, translated } from './shared.ts';
import { registerPreselectionPages } from './preselection.pages.ts';
import { adminPage, budgetForm, select } from './admin.view.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';
import { findResidentProject } from '../projects.repository.ts';

/** The page picks each field's text from its problem code. */
function messages(request: FastifyRequest, errors: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([name, code]) => [name, request.t(`budgets.error.${code}`)]));
}

function budgetFromForm(request: FastifyRequest): BudgetInput {
  const languages = request.organisation.languages;
  const schema = BudgetForm(languages);
  const form = withNumbersAsNaN(schema, readForm(schema, request.body));
  const phase = form.phaseOverride;
  return {
    title: translatedValue(form, 'title', languages),
    description: translatedValue(form, 'description', languages),
    processId: form.processId ?? null,
    votingRule: form.votingRule as VotingRule,
    maxProjects: form.maxProjects ?? null,
    maxVotes: form.maxVotes ?? null,
    maxVotesPerProject: form.maxVotesPerProject ?? null,
    minShare: form.minShare === undefined ? null : form.minShare / 100,
    resultsMethod: form.resultsMethod === 'equal_shares' ? 'equal_shares' : 'votes',
    eligibilityLevel: form.eligibilityLevel === 'email' ? 'email' : 'verified',
    minAge: form.minAge ?? null,
    maxAge: form.maxAge ?? null,
    districtResidentsOnly: form.districtResidentsOnly,
    phaseOverride: ([...PHASES, 'closed'] as string[]).includes(phase) ? (phase as PhaseSetting) : null,
    maxSupportsPerHeading: form.maxSupportsPerHeading ?? null,
  };
}

/** Staff pages: budgets, their phases and headings, project review, results and follow-up. */
export function registerAdminPages(app: App, ctx: AppContext): void {
  registerPreselectionPages(app, ctx);
  app.get('/admin/budgets', async (request, reply) => {
    authorizeBudgets(request.viewer, 'manage-budgets');
    return listPage(request, reply, {}, {});
  });

  app.post('/admin/budgets', async (request, reply) => {
    const input = budgetFromForm(request);
    const outcome = await createBudget(ctx, request.viewer, request.organisation, input);
    if (!outcome.ok) return listPage(request, reply, input, messages(request, outcome.fields));
    setNotice(reply, 'budgets.admin.saved');
    return reply.redirect(`/admin/budgets/${outcome.id}`, 303);
  });

  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<BudgetInput>,
    errors: Record<string, string>,
  ) {
    const { t } = request;
    const budgets = await findBudgets(ctx.db, request.organisation.id);
    return adminPage(
      request,
      reply,
      t('budgets.admin.title'),
      html`<h1>${t('budgets.admin.title')}</h1>
<ul>${budgets.map((b) => html`<li><a href="/admin/budgets/${b.id}">${translated(request, b.title)}</a> — ${phaseLabel(request, currentPhase(b))}</li>`)}</ul>
<h2>${t('budgets.admin.new')}</h2>
${errorSummary(request, errors)}
${budgetForm(request, '/admin/budgets', values, errors)}`,
      Object.keys(errors).length ? 400 : 200,
    );
  }

  app.get<{ Params: { id: string } }>('/admin/budgets/:id', async (request, reply) => {
    authorizeBudgets(request.viewer, 'manage-budgets');
    return budgetPage(request, reply, pathId(request.params.id));
  });

  app.post<{ Params: { id: string } }>('/admin/budgets/:id', async (request, reply) => {
    const id = pathId(request.params.id);
    const input = budgetFromForm(request);
    const outcome = await updateBudget(ctx, request.viewer, request.organisation, id, input);
    if (!outcome.ok) return budgetPage(request, reply, id, { settings: messages(request, outcome.fields) }, input);
    setNotice(reply, 'budgets.admin.saved');
    return reply.redirect(`/admin/budgets/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/budgets/:id/phases', async (request, reply) => {
    const id = pathId(request.params.id);
    const day = (text: string) =>
      /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(Number.NaN);
    const form = withNumbersAsNaN(PhasesForm, readForm(PhasesForm, request.body));
    const phases: PhaseDates[] = PHASES.flatMap((kind) => {
      const start = form[`${kind}_start`] ?? '';
      const end = form[`${kind}_end`] ?? '';
      return start ? [{ kind, startsAt: day(start), endsAt: end ? day(end) : null }] : [];
    });
    const outcome = await setPhases(ctx, request.viewer, request.organisation, id, phases);
    if (!outcome.ok) return budgetPage(request, reply, id, { phases: messages(request, outcome.fields) });
    setNotice(reply, 'budgets.admin.saved');
    return reply.redirect(`/admin/budgets/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/budgets/:id/headings', async (request, reply) => {
    const id = pathId(request.params.id);
    const { languages } = request.organisation;
    const schema = HeadingForm(languages);
    const form = withNumbersAsNaN(schema, readForm(schema, request.body));
    const outcome = await addHeading(ctx, request.viewer, request.organisation, id, {
      name: translatedValue(form, 'name', languages),
      districtId: form.districtId ?? null,
      amount: form.amount ?? Number.NaN,
    });
    if (!outcome.ok) return budgetPage(request, reply, id, { headings: messages(request, outcome.fields) });
    setNotice(reply, 'budgets.admin.saved');
    return reply.redirect(`/admin/budgets/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/budgets/:id/publish', async (request, reply) => {
    const id = pathId(request.params.id);
    await publishResults(ctx, request.viewer, request.organisation, id);
    setNotice(reply, 'budgets.admin.published');
    return reply.redirect(`/budgets/${id}/results`, 303);
  });

  async function budgetPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    errors: {
      settings?: Record<string, string>;
      phases?: Record<string, string>;
      headings?: Record<string, string>;
    } = {},
    values?: BudgetInput,
  ) {
    const { t } = request;
    const budget = await findBudget(ctx.db, request.organisation.id, id);
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    const headings = await findHeadings(ctx.db, budget.id);
    const projects = await findProjects(ctx.db, budget.id);
    const districts = (await findDistricts(ctx.db, request.organisation.id)).filter((d) => d.kind === 'district');
    const preview = await computeResults(ctx, request.viewer, request.organisation, budget.id);
    const date = (value: Date | null | undefined) => (value ? value.toISOString().slice(0, 10) : '');
    const all = { ...errors.settings, ...errors.phases, ...errors.headings };
    return adminPage(
      request,
      reply,
      plain(request, budget.title),
      html`<h1>${translated(request, budget.title)}</h1>
<p>${t('budgets.admin.currentPhase')}: <strong>${phaseLabel(request, currentPhase(budget))}</strong> · <a href="/budgets/${budget.id}">${t('budgets.admin.publicPage')}</a></p>
${errorSummary(request, all)}
<details${errors.settings ? raw(' open') : ''}><summary>${t('budgets.admin.settings')}</summary>
${budgetForm(request, `/admin/budgets/${budget.id}`, values ?? { ...budget, eligibilityLevel: budget.eligibility.level, minAge: budget.eligibility.minAge, maxAge: budget.eligibility.maxAge }, errors.settings ?? {})}
</details>
<h2>${t('budgets.phases')}</h2>
<form method="post" action="/admin/budgets/${budget.id}/phases" class="stack" novalidate>${csrfField(request)}
<div class="table-wrap"><table class="data-table"><thead><tr><th scope="col">${t('budgets.admin.phase')}</th><th scope="col">${t('budgets.admin.starts')}</th><th scope="col">${t('budgets.admin.ends')}</th></tr></thead>
<tbody>${PHASES.map((kind) => {
        const dates = budget.phases.find((p) => p.kind === kind);
        return html`<tr><th scope="row">${phaseLabel(request, kind)}</th>
<td><input type="date" name="${kind}_start" aria-label="${phaseLabel(request, kind)}: ${t('budgets.admin.starts')}" value="${date(dates?.startsAt)}"${errors.phases?.[`${kind}_start`] ? raw(' aria-invalid="true"') : ''} id="${kind}_start"></td>
<td><input type="date" name="${kind}_end" aria-label="${phaseLabel(request, kind)}: ${t('budgets.admin.ends')}" value="${date(dates?.endsAt)}" id="${kind}_end"></td></tr>`;
      })}</tbody></table></div>
<button type="submit" class="button">${t('budgets.admin.save')}</button></form>
<h2>${t('budgets.headings')}</h2>
<ul>${headings.map((h) => html`<li>${translated(request, h.name)} — ${money(request, h.amount)}</li>`)}</ul>
<form method="post" action="/admin/budgets/${budget.id}/headings" class="stack" novalidate>${csrfField(request)}
${translatedInputs(request, 'name', 'budgets.admin.headingName', {}, errors.headings ?? {})}
${select('districtId', t('budgets.admin.district'), [['', t('budgets.heading.cityWide')], ...districts.map((d): [string, string] => [String(d.id), plain(request, d.name)])], '', errors.headings?.districtId)}
${field({ name: 'amount', label: t('budgets.heading.amount'), type: 'number', error: errors.headings?.amount })}
<button type="submit" class="button">${t('budgets.admin.addHeading')}</button></form>
<h2>${t('budgets.projects')}</h2>
<p><a class="button" href="/admin/budgets/${budget.id}/projects/new">${t('budgets.admin.newProject')}</a> <a class="button button--secondary" href="/admin/budgets/${budget.id}/preselection">${t('budgets.preselection.title')}</a></p>
<div class="table-wrap"><table class="data-table"><thead><tr><th scope="col">${t('budgets.results.project')}</th><th scope="col">${t('budgets.project.cost')}</th><th scope="col">${t('budgets.project.feasibility')}</th><th scope="col">${t('budgets.admin.status')}</th></tr></thead>
<tbody>${projects.map((p) => html`<tr><td><a href="/admin/budgets/${budget.id}/projects/${p.id}">${translated(request, p.title)}</a></td><td>${money(request, p.cost)}</td><td>${t(`budgets.feasibility.${p.feasibility}` as MessageKey)}</td><td>${t(`budgets.status.${p.status}` as MessageKey)}${p.funded ? html` · ${t('budgets.results.funded')}` : ''}</td></tr>`)}</tbody></table></div>
<h2>${t('budgets.admin.results')}</h2>
<p>${t(budget.resultsMethod === 'equal_shares' ? 'budgets.results.method.equal_shares' : 'budgets.results.method.votes')}</p>
${preview.headings.map(
  (
    h,
  ) => html`<h3>${translated(request, h.heading.name)}</h3><p>${t('budgets.results.summary', { count: h.voters, spent: money(request, h.spent), amount: money(request, h.heading.amount) })}</p>
<ol>${h.rows.map((row) => html`<li>${plain(request, projects.find((p) => p.id === row.projectId)?.title)} — ${number(request, row.votes)}${row.funded ? html` — <strong>${t('budgets.results.funded')}</strong>` : ''}</li>`)}</ol>`,
)}
<form method="post" action="/admin/budgets/${budget.id}/publish">${csrfField(request)}<button type="submit" class="button">${budget.resultsPublishedAt ? t('budgets.admin.republish') : t('budgets.admin.publish')}</button></form>`,
      Object.keys(all).length ? 400 : 200,
    );
  }

  function projectFromForm(request: FastifyRequest): ProjectInput {
    const languages = request.organisation.languages;
    const schema = ProjectForm(languages);
    const form = withNumbersAsNaN(schema, readForm(schema, request.body));
    return {
      headingId: form.headingId ?? 0,
      title: translatedValue(form, 'title', languages),
      description: translatedValue(form, 'description', languages),
      cost: form.cost ?? Number.NaN,
      feasibility: form.feasibility as Feasibility,
      feasibilityExplanation: translatedValue(form, 'explanation', languages),
      status: form.status as ProjectStatus,
    };
  }

  app.get<{ Params: { id: string; projectId: string } }>(
    '/admin/budgets/:id/projects/:projectId',
    async (request, reply) => {
      authorizeBudgets(request.viewer, 'manage-budgets');
      return projectPage(
        request,
        reply,
        pathId(request.params.id),
        request.params.projectId === 'new' ? null : pathId(request.params.projectId, 'BUDGET_PROJECT_NOT_FOUND'),
      );
    },
  );

  app.post<{ Params: { id: string; projectId: string } }>(
    '/admin/budgets/:id/projects/:projectId',
    async (request, reply) => {
      const id = pathId(request.params.id);
      const projectId =
        request.params.projectId === 'new' ? null : pathId(request.params.projectId, 'BUDGET_PROJECT_NOT_FOUND');
      const input = projectFromForm(request);
      const outcome = await saveProject(ctx, request.viewer, request.organisation, id, projectId, input);
      if (!outcome.ok) return projectPage(request, reply, id, projectId, messages(request, outcome.fields), input);
      setNotice(reply, 'budgets.admin.saved');
      return reply.redirect(`/admin/budgets/${id}/projects/${outcome.id}`, 303);
    },
  );

  app.post<{ Params: { id: string; projectId: string } }>(
    '/admin/budgets/:id/projects/:projectId/follow-up',
    async (request, reply) => {
      const id = pathId(request.params.id);
      const projectId = pathId(request.params.projectId, 'BUDGET_PROJECT_NOT_FOUND');
      const form = withNumbersAsNaN(FollowUpForm, readForm(FollowUpForm, request.body));
      const outcome = await updateFollowUp(ctx, request.viewer, request.organisation, id, projectId, {
        status: form.followUpStatus as FollowUpStatus,
        progress: form.progress ?? Number.NaN,
      });
      if (!outcome.ok) return projectPage(request, reply, id, projectId, messages(request, outcome.fields));
      setNotice(reply, 'budgets.admin.saved');
      return reply.redirect(`/admin/budgets/${id}/projects/${projectId}`, 303);
    },
  );

  app.post<{ Params: { id: string; projectId: string } }>(
    '/admin/budgets/:id/projects/:projectId/milestones',
    async (request, reply) => {
      const id = pathId(request.params.id);
      const projectId = pathId(request.params.projectId, 'BUDGET_PROJECT_NOT_FOUND');
      const { languages } = request.organisation;
      const schema = MilestoneForm(languages);
      const form = withNumbersAsNaN(schema, readForm(schema, request.body));
      const outcome = await addMilestone(ctx, request.viewer, request.organisation, id, projectId, {
        title: translatedValue(form, 'milestone', languages),
        description: {},
        happenedOn: form.happenedOn,
        progress: form.milestoneProgress ?? null,
      });
      if (!outcome.ok) return projectPage(request, reply, id, projectId, messages(request, outcome.fields));
      setNotice(reply, 'budgets.admin.saved');
      return reply.redirect(`/admin/budgets/${id}/projects/${projectId}`, 303);
    },
  );

  async function projectPage(
    request: FastifyRequest,
    reply: FastifyReply,
    budgetId: number,
    projectId: number | null,
    errors: Record<string, string> = {},
    values?: ProjectInput,
  ) {
    const { t } = request;
    const budget: Budget | undefined = await findBudget(ctx.db, request.organisation.id, budgetId);
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    const project: Project | undefined =
      projectId === null ? undefined : await findProject(ctx.db, budget.id, projectId);
    if (projectId !== null && !project) throw new AppError('BUDGET_PROJECT_NOT_FOUND');
    const headings = await findHeadings(ctx.db, budget.id);
    const v: Partial<ProjectInput> = values ?? project ?? {};
    const milestones = project ? await findMilestones(ctx.db, [project.id]) : [];
    const proposed =
      project && project.authorId !== null ? await findResidentProject(ctx.db, budget.id, project.id) : undefined;
    const action = `/admin/budgets/${budget.id}/projects/${project?.id ?? 'new'}`;
    return adminPage(
      request,
      reply,
      project ? plain(request, project.title) : t('budgets.admin.newProject'),
      html`<h1>${project ? translated(request, project.title) : t('budgets.admin.newProject')}</h1>
<p><a href="/admin/budgets/${budget.id}">${translated(request, budget.title)}</a>${project ? html` · <a href="/budgets/${budget.id}/projects/${project.id}">${t('budgets.admin.publicPage')}</a>` : ''}</p>
${proposed ? html`<p>${t('budgets.admin.proposedByResident', { cost: money(request, proposed.proposedCost ?? proposed.cost), supports: number(request, proposed.supports) })}</p>` : ''}
${errorSummary(request, errors)}
<form method="post" action="${action}" class="stack" novalidate>${csrfField(request)}
${select(
  'headingId',
  t('budgets.admin.heading'),
  headings.map((h): [string, string] => [String(h.id), plain(request, h.name)]),
  String(v.headingId ?? ''),
  errors.headingId,
)}
${translatedInputs(request, 'title', 'budgets.admin.projectTitle', v.title ?? {}, errors)}
${translatedInputs(request, 'description', 'budgets.admin.description', v.description ?? {}, errors, true)}
${field({ name: 'cost', label: t('budgets.project.cost'), type: 'number', value: v.cost === undefined || Number.isNaN(v.cost) ? '' : String(v.cost), error: errors.cost })}
${select(
  'feasibility',
  t('budgets.project.feasibility'),
  (['undecided', 'feasible', 'unfeasible'] as const).map((f): [string, string] => [f, t(`budgets.feasibility.${f}`)]),
  v.feasibility ?? 'undecided',
  errors.feasibility,
)}
${translatedInputs(request, 'explanation', 'budgets.admin.explanation', v.feasibilityExplanation ?? {}, errors, true)}
${select(
  'status',
  t('budgets.admin.status'),
  (['submitted', 'selected', 'rejected', 'withdrawn'] as const).map((s): [string, string] => [
    s,
    t(`budgets.status.${s}`),
  ]),
  v.status ?? 'submitted',
  errors.status,
)}
<button type="submit" class="button">${t('budgets.admin.save')}</button></form>
${
  project?.funded
    ? html`<h2>${t('budgets.followUp.title')}</h2>
<form method="post" action="${action}/follow-up" class="stack" novalidate>${csrfField(request)}
${select(
  'followUpStatus',
  t('budgets.followUp.status'),
  FOLLOW_UP_STATUSES.map((s): [string, string] => [s, t(`budgets.followUp.${s}`)]),
  project.followUpStatus ?? 'planned',
  errors.followUpStatus,
)}
${field({ name: 'progress', label: t('budgets.followUp.progress'), type: 'number', value: String(project.progress), error: errors.progress })}
<button type="submit" class="button">${t('budgets.admin.save')}</button></form>
<h3>${t('budgets.followUp.milestones')}</h3>
<ol>${milestones.map((m) => html`<li>${m.happenedOn} — ${translated(request, m.title)}${m.progress !== null ? ` (${m.progress} %)` : ''}</li>`)}</ol>
<form method="post" action="${action}/milestones" class="stack" novalidate>${csrfField(request)}
${translatedInputs(request, 'milestone', 'budgets.admin.milestoneTitle', {}, errors)}
${field({ name: 'happenedOn', label: t('budgets.admin.milestoneDate'), type: 'date', error: errors.happenedOn })}
${field({ name: 'milestoneProgress', label: t('budgets.followUp.progress'), type: 'number', error: errors.milestoneProgress })}
<button type="submit" class="button">${t('budgets.admin.addMilestone')}</button></form>`
    : ''
}`,
      Object.keys(errors).length ? 400 : 200,
    );
  }
}
