import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { findDistricts, findDistrictsWithGeometry, type District } from '../../places/index.ts';
import { findPlan } from '../plan.repository.ts';
import { featurePoint, type PlanFeature } from '../plan.ts';
import { CATEGORIES, PROPOSAL_STATUSES, type Category, type ShownStatus } from '../participation.schema.ts';
import { findProcessBySlug, findProcesses, type Process } from '../processes.repository.ts';
import {
  cursorOf,
  findProposals,
  findSupportedAmong,
  type ProposalFilters,
  type ProposalSort,
} from '../proposals.repository.ts';
import { takePartBlocker } from '../use-cases/shared.ts';
import { submitProposal, type ProposalInput } from '../use-cases/submit-proposal.ts';
import { parseId, readForm, withNumbersAsNaN } from '../../../platform/web/forms.ts';
import { ProposalForm } from '../participation.forms.ts';
import { blockerNotice } from './components/blocker-notice.ts';
import { proposalCard } from './components/proposal-card.ts';
import { proposalMap } from './map.ts';
import {
  categoryLabel,
  messages,
  plain,
  queryText,
  select,
  statusLabel,
  stylesheet,
  textarea,
  translated,
} from './shared.ts';

export const PAGE_SIZE = 20;
const SORTS: readonly ProposalSort[] = ['random', 'supports', 'newest'];
const SHOWN_STATUSES: readonly ShownStatus[] = [...PROPOSAL_STATUSES, 'expired'];

/** The list's filters as read from a query string; unknown values are ignored. */
export interface ListQuery {
  process: string;
  category: Category | '';
  district: string;
  status: ShownStatus | '';
  sort: ProposalSort;
  seed: number;
  after: string;
  view: 'list' | 'map';
}

/**
 * The visitor's seed for the random order: the `seed` of the link they followed, otherwise one drawn
 * from their session (or anonymous cookie), so the order stays put while they page and reload.
 */
export function visitorSeed(request: FastifyRequest): number {
  const given = queryText(request, 'seed');
  if (/^\d{1,10}$/.test(given) && Number(given) < 2_147_483_647) return Number(given);
  return createHash('sha256').update(`proposal-order:${request.csrfToken}`).digest().readUInt32BE(0) & 0x7fffffff;
}

export function parseListQuery(request: FastifyRequest): ListQuery {
  const category = queryText(request, 'category');
  const status = queryText(request, 'status');
  const sort = queryText(request, 'sort');
  return {
    process: queryText(request, 'process'),
    category: (CATEGORIES as readonly string[]).includes(category) ? (category as Category) : '',
    district: queryText(request, 'district'),
    status: (SHOWN_STATUSES as readonly string[]).includes(status) ? (status as ShownStatus) : '',
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as ProposalSort) : 'random',
    seed: visitorSeed(request),
    after: queryText(request, 'after'),
    view: queryText(request, 'view') === 'map' ? 'map' : 'list',
  };
}

function queryString(query: ListQuery, change: Partial<ListQuery> = {}): string {
  const merged = { ...query, ...change };
  const params = new URLSearchParams();
  if (merged.process) params.set('process', merged.process);
  if (merged.category) params.set('category', merged.category);
  if (merged.district) params.set('district', merged.district);
  if (merged.status) params.set('status', merged.status);
  params.set('sort', merged.sort);
  if (merged.sort === 'random') params.set('seed', String(merged.seed));
  if (merged.view === 'map') params.set('view', 'map');
  if (merged.after) params.set('after', merged.after);
  return `?${params.toString()}`;
}

function filterForm(request: FastifyRequest, query: ListQuery, processes: Process[], districts: District[]): Html {
  const { t } = request;
  const any: [string, string] = ['', t('participation.filter.any')];
  return html`<form method="get" action="/proposals" class="proposal-filters" aria-labelledby="filters-title">
<h2 id="filters-title" class="visually-hidden">${t('participation.filter.title')}</h2>
${select('process', t('participation.filter.process'), [any, ...processes.map((p): [string, string] => [p.slug, plain(request, p.title)])], query.process)}
${select('category', t('participation.filter.category'), [any, ...CATEGORIES.map((c): [string, string] => [c, categoryLabel(request, c)])], query.category)}
${select('district', t('participation.filter.district'), [any, ...districts.filter((d) => d.kind === 'district').map((d): [string, string] => [d.code, plain(request, d.name)])], query.district)}
${select('status', t('participation.filter.status'), [any, ...SHOWN_STATUSES.map((s): [string, string] => [s, statusLabel(request, s)])], query.status)}
${select(
  'sort',
  t('participation.filter.sort'),
  SORTS.map((s): [string, string] => [s, t(`participation.sort.${s}` as MessageKey)]),
  query.sort,
)}
<input type="hidden" name="seed" value="${query.seed}">
${query.view === 'map' ? html`<input type="hidden" name="view" value="map">` : ''}
<div><button type="submit" class="button">${t('participation.filter.apply')}</button> <a href="/proposals">${t('participation.filter.reset')}</a></div>
</form>`;
}

/** Turns the parsed query into repository filters, given the city's processes and districts. */
export function toFilters(
  query: ListQuery,
  processes: Process[],
  districts: District[],
  limit: number,
): ProposalFilters | undefined {
  const filters: ProposalFilters = { sort: query.sort, seed: query.seed, limit, after: query.after || undefined };
  if (query.process) {
    const process = processes.find((p) => p.slug === query.process);
    if (!process) return undefined;
    filters.processId = process.id;
  }
  if (query.district) {
    const district = districts.find((d) => d.code === query.district);
    if (!district) return undefined;
    filters.districtId = district.id;
  }
  if (query.category) filters.category = query.category;
  if (query.status) filters.status = query.status;
  return filters;
}

/** The list and map of proposals, and the form to submit one. */
export function registerProposalPages(app: App, ctx: AppContext): void {
  app.get('/proposals', async (request, reply) => {
    const { t, organisation } = request;
    const query = parseListQuery(request);
    const [processes, districts] = await Promise.all([
      findProcesses(ctx.db, organisation.id),
      findDistricts(ctx.db, organisation.id),
    ]);
    const map = query.view === 'map';
    const filters = toFilters(query, processes, districts, map ? 500 : PAGE_SIZE + 1);
    if (map && filters) {
      filters.located = true;
      filters.sort = 'newest';
      filters.after = undefined;
    }
    const rows = filters ? await findProposals(ctx.db, organisation.id, filters) : [];
    const page = map ? rows : rows.slice(0, PAGE_SIZE);
    const last = page[page.length - 1];
    const next = !map && rows.length > PAGE_SIZE && last ? cursorOf(last, query.sort) : undefined;
    const supported = request.viewer
      ? await findSupportedAmong(
          ctx.db,
          request.viewer.id,
          page.map((p) => p.id),
        )
      : new Set<number>();
    const process = processes.find((p) => p.slug === query.process);
    const title = process
      ? `${t('participation.proposals.title')} — ${plain(request, process.title)}`
      : t('participation.proposals.title');
    const shapes = map ? await findDistrictsWithGeometry(ctx.db, organisation.id) : [];
    const plan = map && process ? await findPlan(ctx.db, organisation.id, process.id) : undefined;
    return renderPage(request, reply, {
      title,
      description: t('participation.proposals.lead'),
      main: html`${stylesheet()}<h1>${title}</h1>
<p>${t('participation.proposals.lead')}</p>
${filterForm(request, query, processes, districts)}
<p>${map ? html`<a href="/proposals${queryString(query, { view: 'list', after: '' })}">${t('participation.proposals.listView')}</a>` : html`<a href="/proposals${queryString(query, { view: 'map', after: '' })}">${t('participation.proposals.map')}</a>`}</p>
${map ? proposalMap(request, shapes, page, t('participation.proposals.mapTitle', { count: page.length }), plan?.features) : ''}
${plan ? planLegend(request, plan.features) : ''}
<section aria-labelledby="list-title">
<h2 id="list-title" class="visually-hidden">${title}</h2>
${page.length === 0 ? html`<p>${t('participation.proposals.empty')}</p>` : html`<ol class="proposal-list">${page.map((p) => proposalCard(request, p, districts, supported.has(p.id), 3))}</ol>`}
${
  map
    ? ''
    : html`<nav class="pager" aria-label="${t('participation.proposals.pages')}">
${query.after ? html`<a href="/proposals${queryString(query, { after: '' })}">${t('participation.proposals.first')}</a>` : ''}
${next ? html`<a href="/proposals${queryString(query, { after: next })}" rel="next">${t('participation.proposals.next')}</a>` : ''}
</nav>`
}
</section>`,
    });
  });

  app.get<{ Params: { slug: string } }>('/processes/:slug/proposals/new', async (request, reply) => {
    const process = await requireProcess(request.organisation.id, request.params.slug);
    return newProposalPage(
      request,
      reply,
      process,
      { title: '', body: '', category: '', districtId: null, lat: null, lng: null },
      {},
    );
  });

  app.post<{ Params: { slug: string } }>('/processes/:slug/proposals', async (request, reply) => {
    const process = await requireProcess(request.organisation.id, request.params.slug);
    const form = withNumbersAsNaN(ProposalForm, readForm(ProposalForm, request.body));
    const input: ProposalInput = {
      title: form.title,
      body: form.body,
      category: form.category,
      // A district that is no id is an unknown one (-1), refused by the use case; none is null.
      districtId: form.districtId === '' ? null : (parseId(form.districtId) ?? -1),
      lat: form.lat ?? null,
      lng: form.lng ?? null,
    };
    // A place picked on the plan stands for its zone's point, unless the author typed coordinates.
    const zone = form.planZone;
    if (zone !== '' && input.lat === null && input.lng === null) {
      const plan = await findPlan(ctx.db, request.organisation.id, process.id);
      const feature = /^\d{1,4}$/.test(zone) ? plan?.features[Number(zone)] : undefined;
      if (feature) Object.assign(input, featurePoint(feature));
      else input.lat = Number.NaN;
    }
    const outcome = await submitProposal(ctx, request.viewer, request.organisation, process, input);
    if (outcome.ok) {
      setNotice(reply, 'participation.proposal.created');
      return reply.redirect(`/proposals/${outcome.id}`, 303);
    }
    if (outcome.code === 'AUTHENTICATION_REQUIRED') throw new AppError('AUTHENTICATION_REQUIRED');
    const errors =
      outcome.code === 'PROPOSAL_INVALID'
        ? messages(request, outcome.fields)
        : { title: request.t(`participation.error.${outcome.code}` as MessageKey) };
    return newProposalPage(
      request,
      reply,
      process,
      input,
      errors,
      outcome.code === 'PROPOSAL_INVALID' ? 400 : outcome.code === 'PARTICIPATION_CLOSED' ? 409 : 403,
    );
  });

  async function requireProcess(organisationId: number, slug: string): Promise<Process> {
    const process = await findProcessBySlug(ctx.db, organisationId, slug);
    if (!process) throw new AppError('PROCESS_NOT_FOUND');
    return process;
  }

  async function newProposalPage(
    request: FastifyRequest,
    reply: FastifyReply,
    process: Process,
    values: ProposalInput,
    errors: Record<string, string>,
    status = 200,
  ) {
    const { t } = request;
    const districts = (await findDistricts(ctx.db, request.organisation.id)).filter(
      (d) => d.kind === 'district' && (process.districtIds.length === 0 || process.districtIds.includes(d.id)),
    );
    const blocker =
      status === 200
        ? await takePartBlocker(ctx, request.viewer, request.organisation, process, 'proposals', 'create')
        : undefined;
    const plan = await findPlan(ctx.db, request.organisation.id, process.id);
    const shapes = plan ? await findDistrictsWithGeometry(ctx.db, request.organisation.id) : [];
    reply.header('cache-control', 'private, no-store');
    return renderPage(request, reply, {
      title: t('participation.proposal.new'),
      status,
      noIndex: true,
      main: html`${stylesheet()}<p><a href="/processes/${process.slug}">${translated(request, process.title)}</a></p>
<h1>${t('participation.proposal.new')}</h1>
${blockerNotice(request, blocker)}
${errorSummary(request, errors)}
${
  blocker
    ? ''
    : html`<form method="post" action="/processes/${process.slug}/proposals" class="stack" novalidate>
${csrfField(request)}
${field({ name: 'title', label: t('participation.proposal.titleField'), value: values.title, error: errors.title, required: true, maxlength: 200 })}
${textarea('body', t('participation.proposal.bodyField'), values.body, { error: errors.body, hint: t('participation.proposal.bodyHint'), rows: 10, maxlength: 10000, required: true })}
${select('category', t('participation.filter.category'), [['', t('participation.proposal.chooseCategory')], ...CATEGORIES.map((c): [string, string] => [c, categoryLabel(request, c)])], values.category, errors.category)}
${select('districtId', t('participation.filter.district'), [['', t('participation.proposal.noDistrict')], ...districts.map((d): [string, string] => [String(d.id), plain(request, d.name)])], values.districtId === null ? '' : String(values.districtId), errors.districtId)}
<fieldset><legend>${t('participation.proposal.place')}</legend>
<p class="field__hint">${t('participation.proposal.placeHint')}</p>
${
  plan
    ? html`${proposalMap(request, shapes, [], t('participation.plan.title'), plan.features)}
${select('planZone', t('participation.plan.pick'), [['', t('participation.plan.pickNone')], ...plan.features.map((f, i): [string, string] => [String(i), f.name])], '')}`
    : ''
}
${field({ name: 'lat', label: t('participation.proposal.lat'), value: values.lat === null ? '' : String(values.lat), error: errors.lat })}
${field({ name: 'lng', label: t('participation.proposal.lng'), value: values.lng === null ? '' : String(values.lng) })}
</fieldset>
<p>${t('participation.proposal.rules', { days: t('participation.proposal.rules.days', { count: process.supportDays }), supports: t('participation.proposal.rules.supports', { count: process.supportThreshold }) })}</p>
<button type="submit" class="button">${t('participation.proposal.submit')}</button>
</form>`
}`,
    });
  }
}

/** The plan's features in words, beside the map (the drawing is hidden from screen readers). */
export function planLegend(request: FastifyRequest, features: PlanFeature[]): Html {
  return html`<details class="plan-legend"><summary>${request.t('participation.plan.legend', { count: features.length })}</summary><ul>${features.map((f) => html`<li>${f.name}</li>`)}</ul></details>`;
}
