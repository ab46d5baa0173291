import type { FastifyReply, FastifyRequest } from 'fastify';
import { lastMoment } from '../../../platform/i18n/days.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage } from '../../../platform/web/layout.ts';
import type { District } from '../../places/index.ts';
import { currentPhase, isOnBallot } from '../ballot-rules.ts';
import type { BallotView } from '../ballot.use-cases.ts';
import type { Budget, Heading, Project } from '../budgets.repository.ts';
import { PHASES } from '../budgets.schema.ts';
import { projectsSection, type ProjectListData } from './project-list.ts';
import {
  budgetsAsset,
  CURRENCY,
  money,
  number,
  paragraphs,
  phaseLabel,
  plain,
  stylesheet,
  translated,
} from './shared.ts';

/** The city's budgets. */
export function budgetsView(request: FastifyRequest, reply: FastifyReply, data: { budgets: Budget[] }) {
  const { t } = request;
  const { budgets } = data;
  return renderPage(request, reply, {
    title: t('budgets.title'),
    description: t('budgets.lead'),
    main: html`${stylesheet()}<h1>${t('budgets.title')}</h1>
<p>${t('budgets.lead')}</p>
${budgets.length === 0 ? html`<p>${t('budgets.empty')}</p>` : ''}
<ul class="cards">${budgets.map(
      (
        budget,
      ) => html`<li class="card"><h2><a href="/budgets/${budget.id}">${translated(request, budget.title)}</a></h2>
<p><span class="tag">${phaseLabel(request, currentPhase(budget))}</span></p></li>`,
    )}</ul>`,
  });
}

/** What a budget's public page shows, as loaded by the route. */
export interface BudgetPageData {
  budget: Budget;
  headings: Heading[];
  /** The headings the viewer has a ballot in. */
  voted: Set<number>;
  /** The project list of the early phases (undefined in later phases). */
  projectList: ProjectListData | undefined;
}

/** A budget's public page: description, phases, rules, headings and (early on) its projects. */
export function budgetView(request: FastifyRequest, reply: FastifyReply, data: BudgetPageData) {
  const { t } = request;
  const { budget, headings, voted } = data;
  const phase = currentPhase(budget);
  const projectList = projectsSection(request, budget, headings, data.projectList);
  return renderPage(request, reply, {
    title: plain(request, budget.title),
    description: plain(request, budget.description).slice(0, 200) || t('budgets.lead'),
    ogType: 'article',
    main: html`${stylesheet()}<p><a href="/budgets">${t('budgets.title')}</a></p>
<h1>${translated(request, budget.title)}</h1>
${paragraphs(request, budget.description)}
${phaseList(request, budget)}
<h2>${t('budgets.rule.title')}</h2>
<p>${ruleText(request, budget)}</p>
<p>${t(`budgets.eligibility.${budget.eligibility.level}` as MessageKey)}${budget.eligibility.minAge !== null ? html` ${t('budgets.eligibility.minAge', { age: budget.eligibility.minAge })}` : ''}${budget.eligibility.maxAge !== null ? html` ${t('budgets.eligibility.maxAge', { age: budget.eligibility.maxAge })}` : ''}</p>
<p>${t('budgets.oneDistrict')}</p>
<h2>${t('budgets.headings')}</h2>
<ul class="cards">${headings.map(
      (
        heading,
      ) => html`<li class="card"><h3><a href="/budgets/${budget.id}/headings/${heading.id}">${translated(request, heading.name)}</a></h3>
<p>${heading.districtId === null ? t('budgets.heading.cityWide') : t('budgets.heading.district')} · ${money(request, heading.amount)}</p>
${voted.has(heading.id) ? html`<p><span class="tag">${t('budgets.ballot.youVoted')}</span></p>` : ''}</li>`,
    )}</ul>
${projectList}
${budget.resultsPublishedAt ? html`<p><a class="button" href="/budgets/${budget.id}/results">${t('budgets.results.see')}</a></p>` : ''}
${phase === 'balloting' ? html`<p class="muted">${t('budgets.ballot.private')}</p>` : ''}`,
  });
}

/** What a heading's page (its ballot) shows, as loaded by the route. */
export interface HeadingPageData {
  budget: Budget;
  heading: Heading;
  ballot: BallotView;
  /** The heading's projects, withdrawn ones left out. */
  projects: Project[];
  /** Why the viewer may not vote here (undefined: they may). */
  blocker: string | undefined;
  district: District | undefined;
  error?: { code: string; projectIds?: number[] | undefined } | undefined;
}

/** A heading's page: its projects, and the ballot form while the viewer may vote. */
export function headingView(request: FastifyRequest, reply: FastifyReply, data: HeadingPageData) {
  const { t } = request;
  const { budget, heading, ballot, projects, blocker, district, error } = data;
  const onBallot = projects.filter(isOnBallot);
  const others = projects.filter((p) => !isOnBallot(p));
  const phase = currentPhase(budget);
  const errors: Record<string, string> = error ? { ballot: t(`budgets.error.${error.code}` as MessageKey) } : {};
  const flagged = new Set(error?.projectIds ?? []);
  const distributed = budget.votingRule === 'distributed';
  reply.header('cache-control', 'private, no-store');
  const summary = ballotSummary(request, budget, heading, ballot);
  const canVote = phase === 'balloting' && blocker === undefined;
  const projectItem = (project: Project): Html => {
    const chosen = ballot.projects.includes(project.id);
    const id = `project-${project.id}`;
    const control = !canVote
      ? ''
      : distributed
        ? html`<label for="${id}">${t('budgets.ballot.votesFor')}</label> <input type="number" id="${id}" name="votes_${project.id}" min="0" max="${budget.maxVotesPerProject ?? budget.maxVotes ?? 0}" step="1" value="${ballot.votes[String(project.id)] ?? 0}" data-cost="${project.cost}">`
        : html`<div class="checkbox"><input type="checkbox" id="${id}" name="projects" value="${project.id}" data-cost="${project.cost}"${chosen ? raw(' checked') : ''}><label for="${id}">${t('budgets.ballot.choose')}<span class="visually-hidden">: ${plain(request, project.title)}</span></label></div>`;
    return html`<li class="ballot-project"${flagged.has(project.id) ? raw(' aria-invalid="true"') : ''}>
  <h3><a href="/budgets/${budget.id}/projects/${project.id}">${translated(request, project.title)}</a></h3>
  <p class="ballot-project__cost">${money(request, project.cost)}</p>
  ${!canVote && chosen ? html`<p><span class="tag">${t('budgets.ballot.inYourBallot')}</span></p>` : ''}
  ${control}
</li>`;
  };
  return renderPage(request, reply, {
    title: plain(request, heading.name),
    status: error
      ? error.code === 'BALLOT_OUTSIDE_PHASE' || error.code === 'BALLOT_SECOND_DISTRICT_HEADING'
        ? 409
        : 422
      : 200,
    scripts: canVote ? [budgetsAsset('ballot.js')] : [],
    main: html`${stylesheet()}<p><a href="/budgets/${budget.id}">${translated(request, budget.title)}</a></p>
<h1>${translated(request, heading.name)}</h1>
<p>${district ? html`${plain(request, district.name)} · ` : ''}${t('budgets.heading.amount')}: <strong>${money(request, heading.amount)}</strong></p>
<p>${ruleText(request, budget)}</p>
${errorSummary(request, errors)}
${
  phase !== 'balloting'
    ? html`<p class="notice">${t('budgets.ballot.closed', { phase: phaseLabel(request, phase) })}</p>`
    : blocker === 'AUTHENTICATION_REQUIRED'
      ? html`<p class="notice"><a href="/sign-in?next=${encodeURIComponent(request.url)}">${t('budgets.ballot.signIn')}</a></p>`
      : blocker === 'BALLOT_NOT_VERIFIED'
        ? html`<p class="notice">${t('budgets.error.BALLOT_NOT_VERIFIED')} <a href="/account/verification?next=${encodeURIComponent(request.url)}">${t('budgets.ballot.verify')}</a></p>`
        : blocker === 'BALLOT_BIRTH_YEAR_MISSING'
          ? html`<p class="notice">${t('budgets.error.BALLOT_BIRTH_YEAR_MISSING')} <a href="/account?next=${encodeURIComponent(request.url)}#birth-year">${t('budgets.giveBirthYear')}</a></p>`
          : blocker
            ? html`<p class="notice">${t(`budgets.error.${blocker}` as MessageKey)}</p>`
            : ''
}
<section id="ballot" aria-labelledby="ballot-title">
<h2 id="ballot-title">${phase === 'balloting' ? t('budgets.ballot.title') : t('budgets.projects')}</h2>
${
  canVote
    ? html`<form method="post" action="/budgets/${budget.id}/headings/${heading.id}/ballot" class="stack" id="ballot-form" data-ballot data-rule="${budget.votingRule}" data-amount="${heading.amount}" data-limit="${summary.limit}" data-minimum="${summary.minimum}" data-locale="${LANGUAGES[request.lang].locale.replace('_', '-')}" data-currency="${CURRENCY}"
  data-text-within="${t(summary.templates.within)}" data-text-beyond="${t(summary.templates.beyond)}"${summary.templates.under ? html` data-text-under="${t(summary.templates.under)}"` : ''}>
  ${csrfField(request)}
  <p>${ballot.updatedAt ? t('budgets.ballot.stored', { date: formatDate(request, new Date(ballot.updatedAt), true) }) : t('budgets.ballot.none')}</p>
  <ul class="ballot-projects">${onBallot.map(projectItem)}</ul>
  <p class="ballot-total${summary.beyond ? ' ballot-total--over' : ''}" id="ballot-total" role="status">${summary.text}</p>
  <button type="submit" class="button">${t('budgets.ballot.submit')}</button>
</form>
${ballot.updatedAt ? html`<form method="post" action="/budgets/${budget.id}/headings/${heading.id}/ballot/withdraw" class="inline-form">${csrfField(request)}<button type="submit" class="button button--secondary">${t('budgets.ballot.withdraw')}</button></form>` : ''}
<p class="muted">${t('budgets.ballot.private')}</p>`
    : html`<ul class="ballot-projects">${onBallot.map(projectItem)}</ul>`
}
</section>
${
  others.length > 0
    ? html`<section aria-labelledby="other-title"><h2 id="other-title">${t('budgets.projects.other')}</h2>
<ul class="ballot-projects">${others.map((p) => html`<li class="ballot-project"><h3><a href="/budgets/${budget.id}/projects/${p.id}">${translated(request, p.title)}</a></h3><p>${money(request, p.cost)} · ${t(`budgets.feasibility.${p.feasibility}` as MessageKey)}</p></li>`)}</ul></section>`
    : ''
}`,
  });
}

/**
 * The one running summary of a ballot, right for the budget's rule: for "within the amount" what the
 * chosen projects cost and what is left (or how far over the amount, or under the minimum share); for
 * approval how many projects are chosen of how many allowed; for distributed votes how many votes are
 * given of how many the voter has. The page renders it from the ballot it shows (the saved one, or the
 * one just refused), and ballot.js keeps the same element up to date with the same texts, given as
 * templates.
 */
export function ballotSummary(
  request: FastifyRequest,
  budget: Budget,
  heading: Heading,
  view: Pick<BallotView, 'totalCost' | 'votesUsed' | 'projects'>,
): {
  text: string;
  beyond: boolean;
  limit: number;
  minimum: number;
  templates: { within: MessageKey; beyond: MessageKey; under?: MessageKey };
} {
  const { t } = request;
  if (budget.votingRule === 'knapsack') {
    const left = heading.amount - view.totalCost;
    const minimum = budget.minShare ? Math.ceil(budget.minShare * heading.amount) : 0;
    const templates: { within: MessageKey; beyond: MessageKey; under?: MessageKey } = {
      within: 'budgets.ballot.total',
      beyond: 'budgets.ballot.over',
    };
    if (minimum > 0) templates.under = 'budgets.ballot.underMinimum';
    const values = { total: money(request, view.totalCost), left: money(request, left) };
    if (left < 0)
      return {
        text: t('budgets.ballot.over', { total: values.total, over: money(request, -left) }),
        beyond: true,
        limit: 0,
        minimum,
        templates,
      };
    const under = minimum > 0 && view.projects.length > 0 && view.totalCost < minimum;
    return {
      text: under
        ? t('budgets.ballot.underMinimum', { ...values, minimum: money(request, minimum) })
        : t('budgets.ballot.total', values),
      beyond: under,
      limit: 0,
      minimum,
      templates,
    };
  }
  const approval = budget.votingRule === 'approval';
  const limit = (approval ? budget.maxProjects : budget.maxVotes) ?? 0;
  const used = approval ? view.projects.length : view.votesUsed;
  const templates = approval
    ? ({ within: 'budgets.ballot.projectsChosen', beyond: 'budgets.ballot.projectsOver' } as const)
    : ({ within: 'budgets.ballot.votesGiven', beyond: 'budgets.ballot.votesOver' } as const);
  const beyond = used > limit;
  return {
    text: t(beyond ? templates.beyond : templates.within, {
      used: number(request, used),
      limit: number(request, limit),
    }),
    beyond,
    limit,
    minimum: 0,
    templates,
  };
}

/** The voting rule in words. */
function ruleText(request: FastifyRequest, budget: Budget): string {
  const { t } = request;
  if (budget.votingRule === 'approval') return t('budgets.rule.approval', { count: budget.maxProjects ?? 0 });
  if (budget.votingRule === 'distributed') {
    const perProject = budget.maxVotesPerProject
      ? ` ${t('budgets.rule.perProject', { count: budget.maxVotesPerProject })}`
      : '';
    return t('budgets.rule.distributed', { count: budget.maxVotes ?? 0 }) + perProject;
  }
  const minimum = budget.minShare
    ? ` ${t('budgets.rule.minShare', { percent: Math.round(budget.minShare * 100) })}`
    : '';
  return t('budgets.rule.knapsack') + minimum;
}

/** The timeline of phases with the current one marked. */
function phaseList(request: FastifyRequest, budget: Budget): Html {
  const current = currentPhase(budget);
  return html`<h2>${request.t('budgets.phases')}</h2><ol class="budget-phases">${PHASES.map((kind) => {
    const dates = budget.phases.find((p) => p.kind === kind);
    return html`<li${kind === current ? raw(' aria-current="step"') : ''}>${phaseLabel(request, kind)}${dates ? html`<br><span class="muted">${formatDate(request, dates.startsAt)}${dates.endsAt ? html` – ${formatDate(request, lastMoment(dates.endsAt))}` : ''}</span>` : ''}</li>`;
  })}</ol>`;
}
