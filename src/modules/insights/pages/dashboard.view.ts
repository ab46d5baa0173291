// What the dashboard shows, as tables of numbers: the page draws each as a chart with its table, and the
// CSV writes the same rows, so that the download holds exactly what the page shows.

import type { FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import { LANGUAGES, isLanguage } from '../../../platform/i18n/languages.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import type { CsvCell } from '../../../platform/web/csv.ts';
import type { Dashboard } from '../dashboard.use-cases.ts';
import type { RollupTotals } from '../rollup.repository.ts';
import { csvNumber, kpiLabel } from './shared.ts';

export interface Names {
  departments: Array<{ id: number; name: Translated }>;
  districts: Array<{ id: number; name: Translated }>;
  campaigns: Array<{ id: number; name: Translated }>;
}

export interface Breakdown {
  id: string;
  title: string;
  header: string;
  valueHeader: string;
  rows: Array<{ label: string; value: number }>;
}

export function nameOf(request: FastifyRequest, list: Names[keyof Names], id: number | string): string {
  const found = list.find((item) => String(item.id) === String(id));
  return found ? localized(found.name, request.lang, request.organisation.defaultLanguage) : request.t('insights.none');
}

export function languageName(request: FastifyRequest, code: string): string {
  if (code === '') return request.t('insights.unknownLanguage');
  return isLanguage(code) ? LANGUAGES[code].name : code;
}

export function breakdowns(request: FastifyRequest, dashboard: Dashboard, names: Names): Breakdown[] {
  const { t } = request;
  const count = t('insights.column.count');
  const rows = (
    list: Array<{ key: string; totals: RollupTotals }>,
    label: (key: string) => string,
    value: (totals: RollupTotals) => number = (totals) => totals.items,
  ) => list.map((row) => ({ label: label(row.key), value: value(row.totals) }));
  const channel = (key: string) => key;
  const byChannel = new Map<string, { reach: number; engagement: number }>();
  for (const post of dashboard.posts) {
    const seen = byChannel.get(post.channel) ?? { reach: 0, engagement: 0 };
    seen.reach += post.reach;
    seen.engagement += post.favourites + post.boosts + post.replies + post.clicks;
    byChannel.set(post.channel, seen);
  }
  return [
    {
      id: 'inbox-channel',
      title: t('insights.chart.inboxByChannel'),
      header: t('insights.filter.channel'),
      valueHeader: count,
      rows: rows(dashboard.inbox.by.channel, channel),
    },
    {
      id: 'inbox-department',
      title: t('insights.chart.inboxByDepartment'),
      header: t('insights.filter.department'),
      valueHeader: count,
      rows: rows(dashboard.inbox.by.department, (key) => nameOf(request, names.departments, key)),
    },
    {
      id: 'inbox-within-goal',
      title: t('insights.chart.withinGoalByChannel'),
      header: t('insights.filter.channel'),
      valueHeader: t('insights.column.percent'),
      rows: rows(dashboard.inbox.by.channel, channel, (x) => (x.withGoal ? (100 * x.inGoal) / x.withGoal : 0)),
    },
    {
      id: 'reports-department',
      title: t('insights.chart.reportsByDepartment'),
      header: t('insights.filter.department'),
      valueHeader: count,
      rows: rows(dashboard.reports.by.department, (key) => nameOf(request, names.departments, key)),
    },
    {
      id: 'reports-district',
      title: t('insights.chart.reportsByDistrict'),
      header: t('insights.filter.district'),
      valueHeader: count,
      rows: rows(dashboard.reports.by.district, (key) => nameOf(request, names.districts, key)),
    },
    {
      id: 'reports-deadline',
      title: t('insights.chart.deadlineByDepartment'),
      header: t('insights.filter.department'),
      valueHeader: t('insights.column.percent'),
      rows: rows(
        dashboard.reports.by.department.filter((row) => row.totals.withGoal > 0),
        (key) => nameOf(request, names.departments, key),
        (x) => (100 * x.inGoal) / x.withGoal,
      ),
    },
    {
      id: 'languages',
      title: t('insights.chart.languages', {
        offered: dashboard.languages.offered.map((code) => languageName(request, code)).join(', '),
      }),
      header: t('insights.column.language'),
      valueHeader: count,
      rows: dashboard.languages.used.map((row) => ({
        label: `${languageName(request, row.language)}${row.offered || row.language === '' ? '' : ` (${t('insights.notOffered')})`}`,
        value: row.conversations,
      })),
    },
    {
      id: 'publishing-reach',
      title: t('insights.chart.reachByChannel'),
      header: t('insights.filter.channel'),
      valueHeader: t('insights.column.reach'),
      rows: [...byChannel].map(([key, value]) => ({ label: key, value: value.reach })),
    },
    {
      id: 'publishing-engagement',
      title: t('insights.chart.engagementByChannel'),
      header: t('insights.filter.channel'),
      valueHeader: t('insights.column.engagement'),
      rows: [...byChannel].map(([key, value]) => ({ label: key, value: value.engagement })),
    },
  ];
}

/** The rows of the CSV download: the indicators, then every breakdown, funnel and post row shown. */
export function dashboardCsv(request: FastifyRequest, dashboard: Dashboard, names: Names): CsvCell[][] {
  const { t } = request;
  const rows: CsvCell[][] = [['section', 'item', 'label', 'value', 'previous', 'target', 'status', 'from', 'to']];
  const { from, to } = dashboard.period;
  for (const kpi of dashboard.kpis)
    rows.push([
      'indicator',
      kpi.code,
      kpiLabel(request, kpi.code),
      csvNumber(kpi.current),
      csvNumber(kpi.previous),
      csvNumber(kpi.target),
      kpi.status ?? '',
      from,
      to,
    ]);
  rows.push([
    'indicator',
    'reports.overdueNow',
    t('insights.overdue'),
    dashboard.overdueReports,
    null,
    null,
    '',
    from,
    to,
  ]);
  for (const breakdown of breakdowns(request, dashboard, names))
    for (const row of breakdown.rows)
      rows.push([breakdown.id, '', row.label, csvNumber(row.value), null, null, '', from, to]);
  rows.push(['funnel', 'accounts', t('insights.funnel.accounts'), dashboard.funnel.accounts, null, null, '', from, to]);
  rows.push(['funnel', 'verified', t('insights.funnel.verified'), dashboard.funnel.verified, null, null, '', from, to]);
  for (const process of dashboard.funnel.processes) {
    const title = localized(process.title, request.lang, request.organisation.defaultLanguage);
    for (const step of ['supporters', 'supports', 'voters', 'ballots', 'commenters', 'comments'] as const)
      rows.push([`funnel-${step}`, String(process.processId), title, process[step], null, null, '', from, to]);
  }
  for (const post of dashboard.posts) {
    const label = `${post.title ?? `#${post.postId}`} — ${post.channel}`;
    rows.push(['post-reach', String(post.postId), label, post.reach, null, null, '', from, to]);
    rows.push([
      'post-engagement',
      String(post.postId),
      label,
      post.favourites + post.boosts + post.replies + post.clicks,
      null,
      null,
      '',
      from,
      to,
    ]);
  }
  return rows;
}
