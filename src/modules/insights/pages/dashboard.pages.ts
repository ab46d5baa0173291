import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { hasRole } from '../../../platform/auth/users.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { sendCsv } from '../../../platform/web/csv.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { formatDate, renderPage } from '../../../platform/web/layout.ts';
import { parseId } from '../../../platform/validation.ts';
import { findDistricts } from '../../places/index.ts';
import { campaignNames } from '../../publishing/index.ts';
import { readDashboard, type Dashboard, type DashboardQuery } from '../dashboard.use-cases.ts';
import { authorizeInsights } from '../insights.policy.ts';
import { findDepartmentNames } from '../settings.repository.ts';
import { breakdowns, dashboardCsv, nameOf, type Names } from './dashboard.view.ts';
import { barChart, formatValue, INSIGHTS_STYLE, kpiLabel, statusBadge } from './shared.ts';

/** Reads the query string: a value that is not an id or a date is refused with the period error. */
export function dashboardQuery(request: FastifyRequest): DashboardQuery {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof query[name] === 'string' && query[name] !== '' ? query[name] : undefined);
  const id = (name: string) => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = parseId(value);
    if (parsed === undefined) throw new AppError('INSIGHTS_PERIOD_INVALID');
    return parsed;
  };
  const channel = text('channel');
  if (channel !== undefined && !/^[a-z0-9_-]{1,40}$/.test(channel)) throw new AppError('INSIGHTS_PERIOD_INVALID');
  return {
    from: text('from'),
    to: text('to'),
    department: id('department'),
    district: id('district'),
    channel,
    campaign: id('campaign'),
  };
}

async function loadNames(ctx: AppContext, organisationId: number): Promise<Names> {
  const [departments, districts, campaigns] = await Promise.all([
    findDepartmentNames(ctx.db, organisationId),
    findDistricts(ctx.db, organisationId),
    campaignNames(ctx.db, organisationId),
  ]);
  return {
    departments,
    districts: districts.map((district) => ({ id: district.id, name: district.name })),
    campaigns: campaigns.map((campaign) => ({
      id: campaign.id,
      name: typeof campaign.name === 'string' ? (JSON.parse(campaign.name) as Record<string, string>) : campaign.name,
    })),
  };
}

function select(
  request: FastifyRequest,
  name: string,
  label: MessageKey,
  options: Array<{ value: string; label: string }>,
  chosen: string,
  allLabel?: string,
) {
  return html`<div class="field"><label for="${name}">${request.t(label)}</label>
<select id="${name}" name="${name}">${allLabel === undefined ? '' : html`<option value="">${allLabel}</option>`}${options.map(
    (option) =>
      html`<option value="${option.value}"${option.value === chosen ? raw(' selected') : ''}>${option.label}</option>`,
  )}</select></div>`;
}

function filters(request: FastifyRequest, dashboard: Dashboard, names: Names) {
  const { t, viewer } = request;
  const local = (name: Record<string, string>) => localized(name, request.lang, request.organisation.defaultLanguage);
  const admin = hasRole(viewer, 'admin');
  const departments = admin ? names.departments : names.departments.filter((d) => viewer?.departmentIds.includes(d.id));
  const chosenDepartment = dashboard.departmentIds?.length === 1 ? String(dashboard.departmentIds[0]) : '';
  const channels = new Set<string>([
    ...dashboard.inbox.by.channel.map((row) => row.key),
    ...dashboard.reports.by.channel.map((row) => row.key),
    ...dashboard.posts.map((post) => post.channel),
    ...(dashboard.filter.channel ? [dashboard.filter.channel] : []),
  ]);
  return html`<form method="get" action="/staff/insights" class="insights-filters">
<div class="field"><label for="from">${t('insights.filter.from')}</label><input id="from" name="from" type="date" value="${dashboard.period.from}"></div>
<div class="field"><label for="to">${t('insights.filter.to')}</label><input id="to" name="to" type="date" value="${dashboard.period.to}"></div>
${select(
  request,
  'department',
  'insights.filter.department',
  departments.map((d) => ({ value: String(d.id), label: local(d.name) })),
  chosenDepartment,
  admin || departments.length > 1 ? t('insights.filter.all') : undefined,
)}
${select(
  request,
  'district',
  'insights.filter.district',
  names.districts.map((d) => ({ value: String(d.id), label: local(d.name) })),
  String(dashboard.filter.district ?? ''),
  t('insights.filter.all'),
)}
${select(
  request,
  'channel',
  'insights.filter.channel',
  [...channels].sort().map((c) => ({ value: c, label: c })),
  dashboard.filter.channel ?? '',
  t('insights.filter.all'),
)}
${select(
  request,
  'campaign',
  'insights.filter.campaign',
  names.campaigns.map((c) => ({ value: String(c.id), label: local(c.name) })),
  String(dashboard.filter.campaign ?? ''),
  t('insights.filter.all'),
)}
<button type="submit" class="button">${t('insights.filter.apply')}</button>
</form>
<p>${t('insights.filter.scope')}</p>`;
}

function change(request: FastifyRequest, current: number | null, previous: number | null): string {
  if (current === null || previous === null) return '—';
  const difference = current - previous;
  const sign = difference > 0 ? '+' : difference < 0 ? '−' : '±';
  return `${sign}${new Intl.NumberFormat(request.lang, { maximumFractionDigits: 1 }).format(Math.abs(difference))}`;
}

function renderDashboard(request: FastifyRequest, reply: FastifyReply, dashboard: Dashboard, names: Names) {
  const { t } = request;
  const { period } = dashboard;
  const search = new URLSearchParams(
    Object.entries({
      from: period.from,
      to: period.to,
      department: dashboard.departmentIds?.length === 1 ? String(dashboard.departmentIds[0]) : '',
      district: String(dashboard.filter.district ?? ''),
      channel: dashboard.filter.channel ?? '',
      campaign: String(dashboard.filter.campaign ?? ''),
    }).filter(([, value]) => value !== ''),
  ).toString();
  const local = (title: Record<string, string>) => localized(title, request.lang, request.organisation.defaultLanguage);
  return renderPage(request, reply, {
    title: t('insights.dashboard.title'),
    noIndex: true,
    main: html`${INSIGHTS_STYLE}
<h1>${t('insights.dashboard.title')}</h1>
<p><a href="/staff/insights/index">${t('insights.index.title')}</a> · <a href="/transparency">${t('insights.transparency.title')}</a></p>
${filters(request, dashboard, names)}
<p>${t('insights.dashboard.period', { from: period.from, to: period.to, previousFrom: period.previousFrom, previousTo: period.previousTo })}
${dashboard.rolledAt ? t('insights.dashboard.rolledAt', { time: formatDate(request, dashboard.rolledAt, true) }) : t('insights.dashboard.notRolled')}</p>
<p><a href="/staff/insights.csv?${search}" download>${t('insights.csv')}</a></p>
<h2>${t('insights.dashboard.indicators')}</h2>
<div class="table-wrap"><table class="data-table"><caption>${t('insights.dashboard.indicators')}</caption>
<thead><tr><th scope="col">${t('insights.column.indicator')}</th><th scope="col" class="numeric">${t('insights.column.current')}</th><th scope="col" class="numeric">${t('insights.column.previous')}</th><th scope="col" class="numeric">${t('insights.column.change')}</th><th scope="col" class="numeric">${t('insights.column.target')}</th><th scope="col">${t('insights.column.status')}</th></tr></thead>
<tbody>${dashboard.kpis.map(
      (kpi) =>
        html`<tr><th scope="row">${kpiLabel(request, kpi.code)}</th><td class="numeric">${formatValue(request, kpi.code, kpi.current)}</td><td class="numeric">${formatValue(request, kpi.code, kpi.previous)}</td><td class="numeric">${change(request, kpi.current, kpi.previous)}</td><td class="numeric">${formatValue(request, kpi.code, kpi.target ?? null)}</td><td>${statusBadge(request, kpi.status)}</td></tr>`,
    )}
<tr><th scope="row">${t('insights.overdue')}</th><td class="numeric">${formatValue(request, null, dashboard.overdueReports)}</td><td class="numeric">—</td><td class="numeric">—</td><td class="numeric">—</td><td>${statusBadge(request, null)}</td></tr>
</tbody></table></div>
<h2>${t('insights.dashboard.breakdowns')}</h2>
${breakdowns(request, dashboard, names).map((breakdown) => barChart(request, breakdown))}
<h2 id="funnel">${t('insights.funnel.title')}</h2>
<p>${t('insights.funnel.visitors')}</p>
<p>${t('insights.funnel.city', { accounts: dashboard.funnel.accounts, verified: dashboard.funnel.verified })}</p>
<div class="table-wrap"><table class="data-table"><caption>${t('insights.funnel.title')}</caption>
<thead><tr><th scope="col">${t('insights.column.process')}</th><th scope="col" class="numeric">${t('insights.funnel.supporters')}</th><th scope="col" class="numeric">${t('insights.funnel.supports')}</th><th scope="col" class="numeric">${t('insights.funnel.voters')}</th><th scope="col" class="numeric">${t('insights.funnel.ballots')}</th><th scope="col" class="numeric">${t('insights.funnel.commenters')}</th><th scope="col" class="numeric">${t('insights.funnel.comments')}</th></tr></thead>
<tbody>${dashboard.funnel.processes.map(
      (row) =>
        html`<tr><th scope="row">${local(row.title)}</th><td class="numeric">${row.supporters}</td><td class="numeric">${row.supports}</td><td class="numeric">${row.voters}</td><td class="numeric">${row.ballots}</td><td class="numeric">${row.commenters}</td><td class="numeric">${row.comments}</td></tr>`,
    )}</tbody></table></div>
<h2>${t('insights.posts.title')}</h2>
${
  dashboard.posts.length === 0
    ? html`<p>${t('insights.noData')}</p>`
    : html`<div class="table-wrap"><table class="data-table"><caption>${t('insights.posts.title')}</caption>
<thead><tr><th scope="col">${t('insights.column.post')}</th><th scope="col">${t('insights.filter.channel')}</th><th scope="col">${t('insights.filter.campaign')}</th><th scope="col" class="numeric">${t('insights.column.reach')}</th><th scope="col" class="numeric">${t('insights.column.engagement')}</th></tr></thead>
<tbody>${dashboard.posts.map(
        (post) =>
          html`<tr><th scope="row">${post.title ?? `#${post.postId}`}</th><td>${post.channel}</td><td>${post.campaignId === null ? '—' : nameOf(request, names.campaigns, post.campaignId)}</td><td class="numeric">${post.reach}</td><td class="numeric">${post.favourites + post.boosts + post.replies + post.clicks}</td></tr>`,
      )}</tbody></table></div>`
}`,
  });
}

export function registerDashboardPages(app: App, ctx: AppContext): void {
  app.get('/staff/insights', { schema: { hide: true } }, async (request, reply) => {
    authorizeInsights(request.viewer, 'dashboard');
    const dashboard = await readDashboard(ctx, request.viewer, request.organisation, dashboardQuery(request));
    return renderDashboard(request, reply, dashboard, await loadNames(ctx, request.organisation.id));
  });
  app.get('/staff/insights.csv', { schema: { hide: true } }, async (request, reply) => {
    authorizeInsights(request.viewer, 'dashboard');
    const dashboard = await readDashboard(ctx, request.viewer, request.organisation, dashboardQuery(request));
    const names = await loadNames(ctx, request.organisation.id);
    return sendCsv(
      reply,
      `insights-${dashboard.period.from}-${dashboard.period.to}.csv`,
      dashboardCsv(request, dashboard, names),
    );
  });
}
