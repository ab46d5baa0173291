import type { FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { parseId } from '../../../platform/web/forms.ts';
import { currentPhase } from '../ballot-rules.ts';
import type { Phase } from '../budgets.schema.ts';
import type { Budget, Heading } from '../budgets.repository.ts';
import type { ResidentProject } from '../projects.repository.ts';
import { projectStatus, statusLabel } from './project-parts.ts';
import { budgetsAsset, money, plain, translated } from './shared.ts';

export const SORTS = ['random', 'supports', 'newest'] as const;
export type Sort = (typeof SORTS)[number];

export interface ListQuery {
  headingId: number | undefined;
  sort: Sort;
  seed: number;
}

/**
 * The list's filters from the query string. Random order is stable for a seed; without one the seed is
 * the day's number, so the order is the same for everyone all day (and cacheable) and links keep it.
 */
export function listQuery(query: unknown, now = new Date()): ListQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof q[name] === 'string' ? q[name] : '');
  const heading = text('heading');
  const sort = text('sort');
  const seed = text('seed');
  return {
    headingId: parseId(heading),
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as Sort) : 'random',
    seed: /^\d{1,9}$/.test(seed) ? Number(seed) : Math.floor(now.getTime() / 86_400_000),
  };
}

/** A 32-bit FNV-1a hash of the seed and the id: the order key of the random sort. */
function shuffleKey(seed: number, id: number): number {
  let hash = 0x811c9dc5;
  for (const char of `${seed}:${id}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The projects in the chosen order; ties broken by id so the order is total. */
export function sortProjects(projects: ResidentProject[], sort: Sort, seed: number): ResidentProject[] {
  const sorted = [...projects];
  if (sort === 'supports') sorted.sort((a, b) => b.supports - a.supports || a.id - b.id);
  else if (sort === 'newest') sorted.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
  else sorted.sort((a, b) => shuffleKey(seed, a.id) - shuffleKey(seed, b.id) || a.id - b.id);
  return sorted;
}

/** Whether the budget page lists the projects in this phase (the early ones; later, the headings' ballots list them). */
export function listsProjects(phase: Phase | null): boolean {
  return phase === 'submitting' || phase === 'supporting' || phase === 'review';
}

/** The project list as loaded: the filters from the query string, the projects in order, those the viewer supports. */
export interface ProjectListData {
  query: ListQuery;
  projects: ResidentProject[];
  supported: Set<number>;
}

/**
 * The budget page's project list in the early phases (submitting, supporting, review): filters by
 * heading and the sort as a plain GET form, one card per project with its heading, cost, status and
 * supports, and the way to propose one while the budget takes proposals. Empty in later phases, where
 * the headings' ballots list the projects (and the route loads no list).
 */
export function projectsSection(
  request: FastifyRequest,
  budget: Budget,
  headings: Heading[],
  list: ProjectListData | undefined,
): Html {
  const phase = currentPhase(budget);
  if (!list || !listsProjects(phase)) return html``;
  const { t } = request;
  const { query, projects, supported } = list;
  const names = new Map(headings.map((h) => [h.id, h]));
  const option = (value: string, text: string, selected: boolean) =>
    html`<option value="${value}"${selected ? raw(' selected') : ''}>${text}</option>`;
  const card = (project: ResidentProject) => html`<li class="ballot-project">
  <h3><a href="/budgets/${budget.id}/projects/${project.id}">${translated(request, project.title)}</a></h3>
  <p>${plain(request, names.get(project.headingId)?.name)} · <span class="ballot-project__cost">${money(request, project.cost)}</span></p>
  <p><span class="tag">${statusLabel(request, projectStatus(budget, project))}</span> · ${t('budgets.support.supports', { count: project.supports })}${supported.has(project.id) ? html` · <strong>${t('budgets.support.youSupport')}</strong>` : ''}</p>
</li>`;
  return html`<link rel="stylesheet" href="${budgetsAsset('projects.css')}">
<section aria-labelledby="projects-title">
<h2 id="projects-title">${t('budgets.projects')}</h2>
${phase === 'submitting' ? html`<p><a class="button" href="/budgets/${budget.id}/projects/new">${t('budgets.propose.title')}</a></p>` : ''}
${phase === 'supporting' ? html`<p>${t('budgets.support.lead')}${budget.maxSupportsPerHeading !== null ? ` ${t('budgets.support.limit', { count: budget.maxSupportsPerHeading })}` : ''}</p>` : ''}
<form method="get" action="/budgets/${budget.id}" class="project-filters">
  <div class="field"><label for="filter-heading">${t('budgets.list.heading')}</label>
  <select id="filter-heading" name="heading">${option('', t('budgets.list.allHeadings'), query.headingId === undefined)}${headings.map((h) => option(String(h.id), plain(request, h.name), h.id === query.headingId))}</select></div>
  <div class="field"><label for="filter-sort">${t('budgets.list.sort')}</label>
  <select id="filter-sort" name="sort">${SORTS.map((s) => option(s, t(`budgets.list.sort.${s}`), s === query.sort))}</select></div>
  <input type="hidden" name="seed" value="${query.seed}">
  <button type="submit" class="button button--secondary">${t('budgets.list.apply')}</button>
</form>
<p role="status">${t('budgets.list.count', { count: projects.length })}</p>
${projects.length === 0 ? html`<p>${t('budgets.list.empty')}</p>` : html`<ul class="ballot-projects">${projects.map(card)}</ul>`}
</section>`;
}
