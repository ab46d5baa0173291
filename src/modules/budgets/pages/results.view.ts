import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { formatDate, renderPage } from '../../../platform/web/layout.ts';
import type { Budget, Heading, Milestone, Project } from '../budgets.repository.ts';
import type { StoredHeadingResult, StoredResult } from '../results.repository.ts';
import { money, number, plain, stylesheet, translated } from './shared.ts';

/**
 * A horizontal bar chart in SVG (no script, no inline style, so the strict CSP holds): one bar per
 * project with its name and count written beside it; funded bars are darker and named "funded" in the
 * text, so colour is never the only signal. The table next to it holds the same figures.
 */
function chart(request: FastifyRequest, heading: Heading, rows: StoredResult[]): Html {
  if (rows.length === 0) return html``;
  const max = Math.max(1, ...rows.map((r) => r.votes));
  const rowHeight = 40;
  const width = 640;
  const barArea = 400;
  const id = `chart-${heading.id}`;
  return html`<figure>
<svg class="results-chart" viewBox="0 0 ${width} ${rows.length * rowHeight + 10}" width="${width}" height="${rows.length * rowHeight + 10}" role="img" aria-labelledby="${id}-title">
<title id="${id}-title">${request.t('budgets.results.chartTitle', { heading: plain(request, heading.name) })}</title>
${rows.map((row, index) => {
  const y = index * rowHeight + 5;
  const barWidth = Math.max(2, Math.round((row.votes / max) * barArea));
  const name = plain(request, row.title);
  return html`<g><text x="0" y="${y + 13}">${name.length > 70 ? `${name.slice(0, 69)}…` : name}${row.funded ? ` — ${request.t('budgets.results.funded')}` : ''}</text>
<rect class="bar${row.funded ? ' bar--funded' : ''}" x="0" y="${y + 18}" width="${barWidth}" height="14"></rect>
<text x="${barWidth + 6}" y="${y + 30}">${number(request, row.votes)}</text></g>`;
})}
</svg>
<figcaption class="muted">${request.t('budgets.results.chartCaption')}</figcaption>
</figure>`;
}

/** Funded projects with their follow-up: status, progress and milestones. */
export function followUpSection(
  request: FastifyRequest,
  projects: Project[],
  milestones: Milestone[],
  level: 2 | 3,
): Html {
  const { t } = request;
  const heading = (content: Html) => (level === 2 ? html`<h2>${content}</h2>` : html`<h3>${content}</h3>`);
  return html`<section aria-label="${t('budgets.followUp.title')}">${heading(html`${t('budgets.followUp.title')}`)}
${projects.map((project) => {
  const own = milestones.filter((m) => m.projectId === project.id);
  return html`<div class="card">
  ${level === 3 ? html`<h3><a href="/budgets/${project.budgetId}/projects/${project.id}">${translated(request, project.title)}</a></h3>` : ''}
  <p>${t('budgets.followUp.status')}: <span class="tag">${t(`budgets.followUp.${project.followUpStatus ?? 'planned'}` as MessageKey)}</span></p>
  <div class="progress-row"><label for="progress-${project.id}">${t('budgets.followUp.progress')}</label>
  <progress id="progress-${project.id}" max="100" value="${project.progress}">${project.progress} %</progress> <span>${project.progress} %</span></div>
  ${
    own.length > 0
      ? html`<ol class="milestones">${own.map((m) => html`<li><strong>${m.happenedOn}</strong> — ${translated(request, m.title)}${m.progress !== null ? html` (${m.progress} %)` : ''}${Object.keys(m.description).length ? html`<br>${translated(request, m.description)}` : ''}</li>`)}</ol>`
      : ''
  }
</div>`;
})}</section>`;
}

/** A budget's published results (the snapshot taken when they were published), as loaded by the route. */
export interface ResultsPageData {
  budget: Budget;
  headings: Heading[];
  results: StoredResult[];
  totals: Map<number, StoredHeadingResult>;
  /** The funded projects and their milestones, for the follow-up. */
  funded: Project[];
  milestones: Milestone[];
}

/** The results page: per heading a chart and a table, then the funded projects' follow-up. */
export function resultsView(request: FastifyRequest, reply: FastifyReply, data: ResultsPageData) {
  const { t } = request;
  const { budget, headings, results, totals, funded, milestones } = data;
  const methodNote =
    budget.resultsMethod === 'equal_shares'
      ? t('budgets.results.method.equal_shares')
      : t('budgets.results.method.votes');
  return renderPage(request, reply, {
    title: t('budgets.results.title', { budget: plain(request, budget.title) }),
    description: methodNote,
    main: html`${stylesheet()}<p><a href="/budgets/${budget.id}">${translated(request, budget.title)}</a></p>
<h1>${t('budgets.results.title', { budget: plain(request, budget.title) })}</h1>
<p>${methodNote}</p>
<p class="muted">${t('budgets.results.published', { date: formatDate(request, budget.resultsPublishedAt as Date) })} · <a href="/budgets/${budget.id}/results.csv" download>${t('budgets.results.csv')}</a></p>
${headings.map((heading) => {
  const rows = results.filter((r) => r.headingId === heading.id);
  const total = totals.get(heading.id);
  const votesLabel = budget.votingRule === 'distributed' ? t('budgets.results.votes') : t('budgets.results.ballots');
  return html`<section aria-labelledby="heading-${heading.id}">
<h2 id="heading-${heading.id}">${translated(request, heading.name)}</h2>
<p>${t('budgets.results.summary', { count: total?.voters ?? 0, spent: money(request, total?.spent ?? 0), amount: money(request, total?.amount ?? heading.amount) })}</p>
${chart(request, heading, rows)}
<div class="table-wrap"><table class="data-table">
<caption class="visually-hidden">${t('budgets.results.tableCaption', { heading: plain(request, heading.name) })}</caption>
<thead><tr><th scope="col">#</th><th scope="col">${t('budgets.results.project')}</th><th scope="col">${t('budgets.project.cost')}</th><th scope="col">${votesLabel}</th><th scope="col">${t('budgets.results.outcome')}</th></tr></thead>
<tbody>${rows.map((row) => {
    return html`<tr><td>${row.position}</td><td><a href="/budgets/${budget.id}/projects/${row.projectId}">${translated(request, row.title)}</a></td><td>${money(request, row.cost)}</td><td>${number(request, row.votes)}</td><td>${row.funded ? html`<span class="funded-mark">${t('budgets.results.funded')}</span>` : ''} <span class="muted">${t(`budgets.results.note.${row.note ?? 'funded'}` as MessageKey)}</span></td></tr>`;
  })}</tbody></table></div>
</section>`;
})}
${funded.length > 0 ? followUpSection(request, funded, milestones, 3) : ''}
<p class="muted">${t('budgets.ballot.private')}</p>`,
  });
}
