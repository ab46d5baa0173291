import type { FastifyReply, FastifyRequest } from 'fastify';
import { dayIn, lastMoment } from '../../../platform/i18n/days.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';
import { csrfField, errorSummary, field, formatDate, renderPage } from '../../../platform/web/layout.ts';
import type { District } from '../../places/index.ts';
import { currentPhase, votingState } from '../ballot-rules.ts';
import type { Budget, Heading, Milestone, Project } from '../budgets.repository.ts';
import { FOLLOW_UP_STATUSES, PHASES, VOTING_RULES } from '../budgets.schema.ts';
import type { BudgetInput, ProjectInput } from '../budget-admin.use-cases.ts';
import type { ResidentProject } from '../projects.repository.ts';
import type { HeadingResults, PublishOutcome, ResultChange } from '../results.use-cases.ts';
import { money, number, phaseLabel, plain, stylesheet, translated } from './shared.ts';

function select(
  name: string,
  label: string,
  options: ReadonlyArray<[string, string]>,
  selected: string,
  error?: string,
): Html {
  return html`<div class="field${error ? ' field--error' : ''}"><label for="${name}">${label}</label>
${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
<select id="${name}" name="${name}"${error ? raw(` aria-describedby="${name}-error" aria-invalid="true"`) : ''}>${options.map(([value, text]) => html`<option value="${value}"${value === selected ? raw(' selected') : ''}>${text}</option>`)}</select></div>`;
}

function budgetForm(
  request: FastifyRequest,
  action: string,
  values: Partial<BudgetInput>,
  errors: Record<string, string>,
): Html {
  const { t } = request;
  const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));
  return html`<form method="post" action="${action}" class="stack" novalidate>
${csrfField(request)}
${translatedInputs(request, 'title', 'budgets.admin.budgetTitle', values.title ?? {}, errors)}
${translatedInputs(request, 'description', 'budgets.admin.description', values.description ?? {}, errors, true)}
${select(
  'votingRule',
  t('budgets.admin.votingRule'),
  VOTING_RULES.map((rule) => [rule, t(`budgets.rule.name.${rule}` as MessageKey)]),
  values.votingRule ?? 'approval',
  errors.votingRule,
)}
${field({ name: 'maxProjects', label: t('budgets.admin.maxProjects'), type: 'number', value: text(values.maxProjects), error: errors.maxProjects })}
${field({ name: 'maxVotes', label: t('budgets.admin.maxVotes'), type: 'number', value: text(values.maxVotes), error: errors.maxVotes })}
${field({ name: 'maxVotesPerProject', label: t('budgets.admin.maxVotesPerProject'), type: 'number', value: text(values.maxVotesPerProject), error: errors.maxVotesPerProject })}
${field({ name: 'minShare', label: t('budgets.admin.minShare'), type: 'number', value: values.minShare ? String(Math.round(values.minShare * 100)) : '', error: errors.minShare })}
${select(
  'resultsMethod',
  t('budgets.admin.resultsMethod'),
  [
    ['votes', t('budgets.results.method.votes')],
    ['equal_shares', t('budgets.results.method.equal_shares')],
  ],
  values.resultsMethod ?? 'votes',
  errors.resultsMethod,
)}
${select(
  'eligibilityLevel',
  t('budgets.admin.eligibility'),
  [
    ['verified', t('budgets.eligibility.verified')],
    ['email', t('budgets.eligibility.email')],
  ],
  values.eligibilityLevel ?? 'verified',
)}
${field({ name: 'minAge', label: t('budgets.admin.minAge'), type: 'number', value: text(values.minAge), error: errors.minAge })}
${field({ name: 'maxAge', label: t('budgets.admin.maxAge'), type: 'number', value: text(values.maxAge), error: errors.maxAge })}
<div class="checkbox"><input type="checkbox" id="districtResidentsOnly" name="districtResidentsOnly" value="yes"${values.districtResidentsOnly ? raw(' checked') : ''}><label for="districtResidentsOnly">${t('budgets.admin.districtResidentsOnly')}</label></div>
${field({ name: 'processId', label: t('budgets.admin.processId'), type: 'number', value: text(values.processId) })}
${field({ name: 'maxSupportsPerHeading', label: t('budgets.admin.maxSupports'), type: 'number', value: text(values.maxSupportsPerHeading), error: errors.maxSupportsPerHeading })}
${select('phaseOverride', t('budgets.admin.phaseOverride'), [['', t('budgets.admin.phaseByDates')], ...[...PHASES, 'closed' as const].map((p): [string, string] => [p, p === 'closed' ? t('budgets.phase.none') : phaseLabel(request, p)])], values.phaseOverride ?? '')}
<button type="submit" class="button">${t('budgets.admin.save')}</button>
</form>`;
}

function adminPage(request: FastifyRequest, reply: FastifyReply, title: string, main: Html, status = 200) {
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title,
    noIndex: true,
    status,
    main: html`${stylesheet()}<p><a href="/admin">${request.t('site.admin')}</a> › <a href="/admin/budgets">${request.t('budgets.admin.title')}</a></p>${main}`,
  });
}

/** The budgets of the city, and the new budget's form (as sent, with its errors, when it was refused). */
export interface AdminBudgetsData {
  budgets: Budget[];
  values: Partial<BudgetInput>;
  errors: Record<string, string>;
}

/** The staff's list of budgets with the form for a new one. */
export function adminBudgetsView(request: FastifyRequest, reply: FastifyReply, data: AdminBudgetsData) {
  const { t } = request;
  const { budgets, values, errors } = data;
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

/** A budget's staff page: its settings, phases, headings, projects and a preview of the results. */
export interface AdminBudgetData {
  budget: Budget;
  headings: Heading[];
  projects: Project[];
  districts: District[];
  /** The results as they would be if counted now. */
  preview: { headings: HeadingResults[] };
  /** Once published: what publishing again would change, and the fingerprint of the count shown. */
  published?: { changes: ResultChange[]; headingsChanged: number[]; fingerprint: string } | undefined;
  /** Why publishing was just refused. */
  publishError?: PublishRefusal | undefined;
  errors: {
    settings?: Record<string, string>;
    phases?: Record<string, string>;
    headings?: Record<string, string>;
  };
  /** The settings as sent, when they were refused. */
  values?: BudgetInput | undefined;
}

export function adminBudgetView(request: FastifyRequest, reply: FastifyReply, data: AdminBudgetData) {
  const { t } = request;
  const { budget, headings, projects, districts, preview, published, publishError, errors, values } = data;
  const date = (value: Date | null | undefined) =>
    value && !Number.isNaN(value.getTime()) ? dayIn(value, request.organisation.timeZone) : '';
  const all: Record<string, string> = { ...errors.settings, ...errors.phases, ...errors.headings };
  if (publishError) all.publish = t(`budgets.error.${publishError}`);
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
<td><input type="date" name="${kind}_end" aria-label="${phaseLabel(request, kind)}: ${t('budgets.admin.ends')}" value="${date(dates?.endsAt ? lastMoment(dates.endsAt) : null)}" id="${kind}_end"></td></tr>`;
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
<ol>${h.rows.map((row) => html`<li>${plain(request, row.title)} — ${number(request, row.votes)}${row.funded ? html` — <strong>${t('budgets.results.funded')}</strong>` : ''}</li>`)}</ol>`,
)}
${publishSection(request, budget, published)}`,
    publishError ? 409 : Object.keys(all).length ? 400 : 200,
  );
}

type PublishRefusal = Extract<PublishOutcome, { ok: false }>['code'];

/**
 * Publishing: why it must wait while voting is not over; the first publication; once published, what
 * publishing again would change (projects whose rank, votes or funding differ) and the confirmation,
 * which carries the fingerprint of the count shown.
 */
function publishSection(request: FastifyRequest, budget: Budget, published: AdminBudgetData['published']): Html {
  const { t } = request;
  const state = votingState(budget);
  if (state !== 'over')
    return html`<p class="notice" id="publish">${t(state === 'open' ? 'budgets.error.BUDGET_RESULTS_VOTING_OPEN' : 'budgets.error.BUDGET_RESULTS_BEFORE_VOTING')}</p>`;
  const action = `/admin/budgets/${budget.id}/publish`;
  if (!published || !budget.resultsPublishedAt)
    return html`<form method="post" action="${action}" id="publish">${csrfField(request)}<button type="submit" class="button">${t('budgets.admin.publish')}</button></form>`;
  const standing = (value: ResultChange['published']) =>
    value
      ? `${value.position} · ${number(request, value.votes)}${value.funded ? ` · ${t('budgets.results.funded')}` : ''}`
      : '—';
  const { changes } = published;
  return html`<section aria-labelledby="publish-title" id="publish">
<h3 id="publish-title">${t('budgets.admin.changes.title', { date: formatDate(request, budget.resultsPublishedAt, true) })}</h3>
${
  changes.length === 0
    ? html`<p>${t('budgets.admin.changes.none')}</p>`
    : html`<p>${t('budgets.admin.changes.lead')}</p>
<div class="table-wrap"><table class="data-table"><caption class="visually-hidden">${t('budgets.admin.changes.caption')}</caption>
<thead><tr><th scope="col">${t('budgets.results.project')}</th><th scope="col">${t('budgets.admin.changes.published')}</th><th scope="col">${t('budgets.admin.changes.now')}</th></tr></thead>
<tbody>${changes.map((change) => html`<tr><th scope="row">${translated(request, change.title)}</th><td>${standing(change.published)}</td><td>${standing(change.now)}</td></tr>`)}</tbody></table></div>
<p class="muted">${t('budgets.admin.changes.legend')}</p>`
}
<form method="post" action="${action}">${csrfField(request)}<input type="hidden" name="confirm" value="${published.fingerprint}"><button type="submit" class="button">${t('budgets.admin.republish')}</button></form>
</section>`;
}

/** A project's staff page: the project form, and its follow-up and milestones once funded. */
export interface AdminProjectData {
  budget: Budget;
  /** Undefined for a new project. */
  project: Project | undefined;
  headings: Heading[];
  milestones: Milestone[];
  /** The resident's proposal behind the project, when a resident proposed it. */
  proposed: ResidentProject | undefined;
  errors: Record<string, string>;
  /** The form as sent, when it was refused. */
  values?: ProjectInput | undefined;
}

export function adminProjectView(request: FastifyRequest, reply: FastifyReply, data: AdminProjectData) {
  const { t } = request;
  const { budget, project, headings, milestones, proposed, errors, values } = data;
  const v: Partial<ProjectInput> = values ?? project ?? {};
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
