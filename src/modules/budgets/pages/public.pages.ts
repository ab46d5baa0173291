import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { currentPhase, isOnBallot, type BallotInput } from '../ballot-rules.ts';
import {
  ballotView,
  castBallot,
  loadBallotScope,
  votingBlocker,
  withdrawBallot,
  type BallotView,
} from '../ballot.use-cases.ts';
import { findBallot, findBallotsOfVoter } from '../ballots.repository.ts';
import {
  findBudget,
  findBudgets,
  findHeadings,
  findProjects,
  type Budget,
  type Heading,
  type Project,
} from '../budgets.repository.ts';
import { PHASES } from '../budgets.schema.ts';
import { readForm } from '../../../platform/web/forms.ts';
import { BallotProjectsForm, readBallotVotes } from '../budgets.forms.ts';
import {
  budgetsAsset,
  CURRENCY,
  money,
  paragraphs,
  pathId,
  phaseLabel,
  plain,
  stylesheet,
  translated,
} from './shared.ts';
import { registerResultsPages } from './results.pages.ts';
import { projectsSection } from './project-list.ts';
import { registerProjectPages } from './projects.pages.ts';

/** The residents' side: budgets, headings with their ballot, projects, results and follow-up. */
export function registerPublicPages(app: App, ctx: AppContext): void {
  app.get('/budgets', async (request, reply) => {
    const { t } = request;
    const budgets = await findBudgets(ctx.db, request.organisation.id);
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
  });

  app.get<{ Params: { id: string } }>('/budgets/:id', async (request, reply) => {
    const { t } = request;
    const budget = await requireBudget(request, pathId(request.params.id));
    const headings = await findHeadings(ctx.db, budget.id);
    const phase = currentPhase(budget);
    const ballots = request.viewer ? await findBallotsOfVoter(ctx.db, budget.id, request.viewer.id) : [];
    const voted = new Set(ballots.map((b) => b.headingId));
    const projectList = await projectsSection(request, ctx, budget, headings);
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
  });

  app.get<{ Params: { id: string; headingId: string } }>('/budgets/:id/headings/:headingId', async (request, reply) => {
    const { budget, heading } = await loadBallotScope(
      ctx,
      request.organisation,
      pathId(request.params.id),
      pathId(request.params.headingId, 'BUDGET_HEADING_NOT_FOUND'),
    );
    const stored = request.viewer ? await findBallot(ctx.db, heading.id, request.viewer.id) : undefined;
    return headingPage(request, reply, budget, heading, ballotView(budget, heading, stored));
  });

  app.post<{ Params: { id: string; headingId: string } }>(
    '/budgets/:id/headings/:headingId/ballot',
    async (request, reply) => {
      const budgetId = pathId(request.params.id);
      const headingId = pathId(request.params.headingId, 'BUDGET_HEADING_NOT_FOUND');
      const { budget, heading } = await loadBallotScope(ctx, request.organisation, budgetId, headingId);
      const input = ballotFromForm(request.body, budget);
      if (!input)
        return headingPage(request, reply, budget, heading, ballotView(budget, heading, undefined), {
          code: 'BALLOT_WRONG_FORMAT',
        });
      const outcome = await castBallot(ctx, request.viewer, request.organisation, budgetId, headingId, input);
      if (!outcome.ok)
        return headingPage(request, reply, budget, heading, await submittedView(budget, heading, input), {
          code: outcome.code,
          projectIds: outcome.projectIds,
        });
      setNotice(reply, outcome.ballot.projects.length > 0 ? 'budgets.ballot.saved' : 'budgets.ballot.withdrawn');
      return reply.redirect(`/budgets/${budgetId}/headings/${headingId}#ballot`, 303);
    },
  );

  app.post<{ Params: { id: string; headingId: string } }>(
    '/budgets/:id/headings/:headingId/ballot/withdraw',
    async (request, reply) => {
      const budgetId = pathId(request.params.id);
      const headingId = pathId(request.params.headingId, 'BUDGET_HEADING_NOT_FOUND');
      const outcome = await withdrawBallot(ctx, request.viewer, request.organisation, budgetId, headingId);
      if (!outcome.ok) throw new AppError(outcome.code);
      setNotice(reply, 'budgets.ballot.withdrawn');
      return reply.redirect(`/budgets/${budgetId}/headings/${headingId}`, 303);
    },
  );

  registerProjectPages(app, ctx);
  registerResultsPages(app, ctx);

  async function requireBudget(request: FastifyRequest, id: number): Promise<Budget> {
    const budget = await findBudget(ctx.db, request.organisation.id, id);
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    return budget;
  }

  /** What the voter sent, shown back with their errors so they can fix it (totals recomputed here). */
  async function submittedView(budget: Budget, heading: Heading, input: BallotInput): Promise<BallotView> {
    const projects = new Map((await findProjects(ctx.db, budget.id, { headingId: heading.id })).map((p) => [p.id, p]));
    const entries: Array<[number, number]> = input.projects
      ? input.projects.map((id) => [id, 1])
      : Object.entries(input.votes).map(([id, votes]) => [Number(id), votes]);
    const chosen = entries.filter(([id, votes]) => projects.has(id) && votes > 0);
    const totalCost = chosen.reduce((sum, [id]) => sum + (projects.get(id)?.cost ?? 0), 0);
    return {
      ...ballotView(budget, heading, undefined),
      projects: chosen.map(([id]) => id),
      votes: Object.fromEntries(chosen.map(([id, votes]) => [String(id), votes])),
      totalCost,
      remaining: heading.amount - totalCost,
      votesUsed: chosen.reduce((sum, [, votes]) => sum + votes, 0),
    };
  }

  async function headingPage(
    request: FastifyRequest,
    reply: FastifyReply,
    budget: Budget,
    heading: Heading,
    ballot: BallotView,
    error?: { code: string; projectIds?: number[] | undefined },
  ) {
    const { t } = request;
    const projects = (await findProjects(ctx.db, budget.id, { headingId: heading.id })).filter(
      (p) => p.status !== 'withdrawn',
    );
    const onBallot = projects.filter(isOnBallot);
    const others = projects.filter((p) => !isOnBallot(p));
    const phase = currentPhase(budget);
    const blocker = await votingBlocker(ctx, request.viewer, request.organisation, budget, heading);
    const district =
      heading.districtId !== null
        ? (await findDistricts(ctx.db, request.organisation.id)).find((d) => d.id === heading.districtId)
        : undefined;
    const errors: Record<string, string> = error ? { ballot: t(`budgets.error.${error.code}` as MessageKey) } : {};
    const flagged = new Set(error?.projectIds ?? []);
    const distributed = budget.votingRule === 'distributed';
    const limit =
      budget.votingRule === 'approval' ? (budget.maxProjects ?? 0) : distributed ? (budget.maxVotes ?? 0) : 0;
    reply.header('cache-control', 'private, no-store');
    const totalText = (view: BallotView): Html => {
      const parts: string[] = [];
      if (budget.votingRule !== 'distributed') {
        parts.push(
          view.remaining >= 0
            ? t('budgets.ballot.total', { total: money(request, view.totalCost), left: money(request, view.remaining) })
            : t('budgets.ballot.over', {
                total: money(request, view.totalCost),
                over: money(request, -view.remaining),
              }),
        );
      }
      if (limit > 0) parts.push(t('budgets.ballot.count', { used: view.votesUsed, limit }));
      return html`${parts.join(' ')}`;
    };
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
        : blocker
          ? html`<p class="notice">${t(`budgets.error.${blocker}` as MessageKey)}</p>`
          : ''
}
<section id="ballot" aria-labelledby="ballot-title">
<h2 id="ballot-title">${phase === 'balloting' ? t('budgets.ballot.title') : t('budgets.projects')}</h2>
${
  canVote
    ? html`<form method="post" action="/budgets/${budget.id}/headings/${heading.id}/ballot" class="stack" id="ballot-form" data-ballot data-rule="${budget.votingRule}" data-amount="${heading.amount}" data-limit="${limit}" data-locale="${LANGUAGES[request.lang].locale.replace('_', '-')}" data-currency="${CURRENCY}"
  data-text-total="${t('budgets.ballot.total')}" data-text-over="${t('budgets.ballot.over')}" data-text-count="${t('budgets.ballot.count')}">
  ${csrfField(request)}
  <p>${ballot.updatedAt ? t('budgets.ballot.stored', { date: formatDate(request, new Date(ballot.updatedAt), true) }) : t('budgets.ballot.none')}</p>
  <ul class="ballot-projects">${onBallot.map(projectItem)}</ul>
  <p class="ballot-total" id="ballot-total" role="status">${totalText(ballot)}</p>
  <p class="ballot-total" id="ballot-running-total" aria-live="polite" hidden></p>
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
}

/** The ballot a form sent: checkboxes `projects`, or `votes_<id>` number fields; undefined when tampered with. */
function ballotFromForm(body: unknown, budget: Budget): BallotInput | undefined {
  if (budget.votingRule !== 'distributed') {
    const form = readForm(BallotProjectsForm, body);
    return form.ok ? { projects: form.value.projects } : undefined;
  }
  const votes = readBallotVotes(body);
  return votes ? { votes } : undefined;
}

/** The voting rule in words. */
export function ruleText(request: FastifyRequest, budget: Budget): string {
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
    return html`<li${kind === current ? raw(' aria-current="step"') : ''}>${phaseLabel(request, kind)}${dates ? html`<br><span class="muted">${formatDate(request, dates.startsAt)}${dates.endsAt ? html` – ${formatDate(request, dates.endsAt)}` : ''}</span>` : ''}</li>`;
  })}</ol>`;
}
