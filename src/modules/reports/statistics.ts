import { sql } from 'kysely';
import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { App } from '../../platform/http/app.ts';
import { localized } from '../../platform/i18n/translate.ts';
import { html, type Html } from '../../platform/web/html.ts';
import { renderPage } from '../../platform/web/layout.ts';
import { findDistricts } from '../places/index.ts';
import { findCategories, foldReportChanges } from './reports.repository.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, type ReportStatus } from './reports.schema.ts';
import { statusLabel, stylesheet } from './pages/shared.ts';

export interface PublicStatistics {
  /** Public (not hidden) reports. */
  total: number;
  byStatus: Array<{ status: ReportStatus; count: number }>;
  byCategory: Array<{ categoryId: number; count: number }>;
  /** `districtId` null: reports outside every district. */
  byDistrict: Array<{ districtId: number | null; count: number }>;
  /** Public reports with status `fixed` and a closing time: what the median is taken over. */
  fixedCount: number;
  /** Median time from report to fix, in hours (the mean of the two middle values for an even count). */
  medianHoursToFix: number | null;
}

const ALL_STATUSES: readonly ReportStatus[] = [...OPEN_STATUSES, ...CLOSED_STATUSES];

/**
 * A city's public statistics: reports per status, category and district, and the exact median time
 * from report to fix. Read from the counters the database keeps (`reports_status_count`,
 * `reports_resolution_hour`, plus the changes not folded yet) in one repeatable-read snapshot; the
 * median walks the per-hour histogram to the hour that holds it, then reads at most that hour's
 * durations from the `reports_report_resolution` index. Cost: a few hundred counter rows and one short
 * index scan, whatever the number of reports.
 */
export async function findPublicStatistics(db: Executor, organisationId: number): Promise<PublicStatistics> {
  if (db.isTransaction) return readStatistics(db, organisationId);
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((tx) => readStatistics(tx, organisationId));
}

async function readStatistics(tx: Executor, organisationId: number): Promise<PublicStatistics> {
  const counts = await sql<{ category_id: number; district_key: number; status: ReportStatus; n: string }>`
    select category_id, district_key, status, sum(n) as n
    from (
      select category_id, district_key, status, n from reports_status_count where organisation_id = ${organisationId}
      union all
      select category_id, coalesce(district_id, 0), status, n from reports_change where organisation_id = ${organisationId}
    ) as counts
    group by 1, 2, 3
    having sum(n) <> 0`.execute(tx);
  const byStatus = new Map<ReportStatus, number>();
  const byCategory = new Map<number, number>();
  const byDistrict = new Map<number, number>();
  let total = 0;
  for (const row of counts.rows) {
    const n = Number(row.n);
    total += n;
    byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + n);
    byCategory.set(row.category_id, (byCategory.get(row.category_id) ?? 0) + n);
    byDistrict.set(row.district_key, (byDistrict.get(row.district_key) ?? 0) + n);
  }

  const hours = await sql<{ hour: number; n: string }>`
    select hour, sum(n) as n
    from (
      select hour, n from reports_resolution_hour where organisation_id = ${organisationId}
      union all
      select resolution_hour, n from reports_change where organisation_id = ${organisationId} and resolution_hour is not null
    ) as hours
    group by 1
    having sum(n) <> 0
    order by 1`.execute(tx);
  const histogram = hours.rows.map((row) => ({ hour: row.hour, n: Number(row.n) }));
  const fixedCount = histogram.reduce((sum, bucket) => sum + bucket.n, 0);

  return {
    total,
    byStatus: ALL_STATUSES.filter((status) => byStatus.has(status)).map((status) => ({
      status,
      count: byStatus.get(status) ?? 0,
    })),
    byCategory: [...byCategory].sort((a, b) => a[0] - b[0]).map(([categoryId, count]) => ({ categoryId, count })),
    byDistrict: [...byDistrict]
      .sort((a, b) => a[0] - b[0])
      .map(([key, count]) => ({ districtId: key === 0 ? null : key, count })),
    fixedCount,
    medianHoursToFix: await medianHours(tx, organisationId, histogram, fixedCount),
  };
}

/** The median duration (as percentile_cont(0.5)) from the histogram and the index, in hours. */
async function medianHours(
  tx: Executor,
  organisationId: number,
  histogram: Array<{ hour: number; n: number }>,
  count: number,
): Promise<number | null> {
  if (count === 0) return null;
  const low = Math.floor((count - 1) / 2); // 0-based ranks of the middle value(s)
  const high = Math.ceil((count - 1) / 2);
  let before = 0;
  for (const bucket of histogram) {
    if (low < before + bucket.n) {
      // the index holds this hour's durations in order; the value after the lower middle one is the
      // upper middle one, also when it lies in a later hour
      const values = await sql<{ seconds: string }>`
        select extract(epoch from closed_at - created_at) as seconds
        from reports_report
        where organisation_id = ${organisationId} and status = 'fixed' and hidden_at is null and closed_at is not null
          and extract(epoch from closed_at - created_at) >= ${bucket.hour * 3600}
        order by extract(epoch from closed_at - created_at)
        offset ${low - before} limit ${high - low + 1}`.execute(tx);
      const seconds = values.rows.map((row) => Number(row.seconds));
      if (seconds.length !== high - low + 1) throw new Error('the resolution histogram and the reports disagree');
      return seconds.reduce((sum, value) => sum + value, 0) / seconds.length / 3600;
    }
    before += bucket.n;
  }
  throw new Error('the resolution histogram does not add up');
}

/** The recurring job that folds pending report changes into the counters, and how often it runs. */
export const FOLD_JOB = 'reports.fold-changes';
export const FOLD_EVERY_MS = 5_000;
let lastVacuum = 0;

/**
 * Folds pending changes into the counters. The change table is constantly emptied: it is vacuumed
 * here after a large fold (a bulk load leaves many empty pages to give back), and on PGlite, which
 * runs no autovacuum, at most once a minute when something was folded.
 */
export async function runFoldJob(ctx: AppContext): Promise<void> {
  const folded = await foldReportChanges(ctx.db);
  const periodic = ctx.dbKind === 'pglite' && folded > 0 && Date.now() - lastVacuum > 60_000;
  if (folded >= 10_000 || periodic) {
    lastVacuum = Date.now();
    await sql`vacuum reports_change`.execute(ctx.db);
  }
}

const Count = Type.Integer({ minimum: 0 });
const Name = Type.String();

/** GET /api/v1/reports/statistics (JSON) and the public page /reports/statistics. */
export function registerStatisticsRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/reports/statistics',
    {
      schema: {
        tags: ['reports'],
        summary: 'Public statistics: reports per status, category and district, and the median time to fix',
        response: {
          200: Type.Object({
            total: Count,
            byStatus: Type.Array(Type.Object({ status: Type.String(), open: Type.Boolean(), count: Count })),
            byCategory: Type.Array(Type.Object({ code: Type.String(), name: Name, count: Count })),
            byDistrict: Type.Array(
              Type.Object({
                code: Type.Union([Type.String(), Type.Null()]),
                name: Type.Union([Name, Type.Null()]),
                count: Count,
              }),
            ),
            fixed: Count,
            medianHoursToFix: Type.Union([Type.Number(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const { organisation } = request;
      const [statistics, categories, districts] = await Promise.all([
        findPublicStatistics(ctx.db, organisation.id),
        findCategories(ctx.db, organisation.id, true),
        findDistricts(ctx.db, organisation.id),
      ]);
      const name = (value: Translated) => localized(value, request.lang, organisation.defaultLanguage);
      return {
        total: statistics.total,
        byStatus: statistics.byStatus.map((row) => ({
          status: row.status,
          open: (OPEN_STATUSES as readonly string[]).includes(row.status),
          count: row.count,
        })),
        byCategory: statistics.byCategory.map((row) => {
          const category = categories.find((c) => c.id === row.categoryId);
          return {
            code: category?.code ?? String(row.categoryId),
            name: category ? name(category.name) : '',
            count: row.count,
          };
        }),
        byDistrict: statistics.byDistrict.map((row) => {
          const district = districts.find((d) => d.id === row.districtId);
          return { code: district?.code ?? null, name: district ? name(district.name) : null, count: row.count };
        }),
        fixed: statistics.fixedCount,
        medianHoursToFix: statistics.medianHoursToFix,
      };
    },
  );

  app.get('/reports/statistics', { schema: { hide: true } }, async (request, reply) => {
    const { t, organisation, lang } = request;
    const [statistics, categories, districts] = await Promise.all([
      findPublicStatistics(ctx.db, organisation.id),
      findCategories(ctx.db, organisation.id, true),
      findDistricts(ctx.db, organisation.id),
    ]);
    const number = new Intl.NumberFormat(lang);
    const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
    const name = (value: Translated) => localized(value, lang, organisation.defaultLanguage);
    const table = (
      id: string,
      caption: string,
      header: string,
      rows: Array<{ label: string; count: number }>,
    ): Html => html`<section aria-labelledby="${id}">
<h2 id="${id}">${caption}</h2>
<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${caption}</caption>
  <thead><tr><th scope="col">${header}</th><th scope="col" class="numeric">${t('reports.statistics.reports')}</th><th scope="col" class="numeric">${t('reports.statistics.share')}</th></tr></thead>
  <tbody>${rows.map((row) => html`<tr><th scope="row">${row.label}</th><td class="numeric">${number.format(row.count)}</td><td class="numeric">${percent.format(statistics.total ? row.count / statistics.total : 0)}</td></tr>`)}</tbody>
</table></div>
</section>`;
    const median = statistics.medianHoursToFix;
    return renderPage(request, reply, {
      title: t('reports.statistics.title'),
      description: t('reports.statistics.lead'),
      main: html`${stylesheet()}
<h1>${t('reports.statistics.title')}</h1>
<p>${t('reports.statistics.lead')}</p>
<p>${t('reports.statistics.total', { count: statistics.total })}</p>
<p>${median === null ? t('reports.statistics.noMedian') : t('reports.statistics.median', { time: formatDuration(lang, median), count: statistics.fixedCount })}</p>
${table(
  'by-status',
  t('reports.statistics.byStatus'),
  t('reports.filter.status'),
  statistics.byStatus.map((row) => ({ label: statusLabel(request, row.status), count: row.count })),
)}
${table(
  'by-category',
  t('reports.statistics.byCategory'),
  t('reports.filter.category'),
  statistics.byCategory.map((row) => {
    const category = categories.find((c) => c.id === row.categoryId);
    return { label: category ? name(category.name) : String(row.categoryId), count: row.count };
  }),
)}
${table(
  'by-district',
  t('reports.statistics.byDistrict'),
  t('reports.filter.district'),
  statistics.byDistrict.map((row) => {
    const district = districts.find((d) => d.id === row.districtId);
    return { label: district ? name(district.name) : t('reports.statistics.outside'), count: row.count };
  }),
)}`,
    });
  });
}

/** A duration in hours as the reader's language writes it: hours up to two days, days beyond. */
export function formatDuration(lang: string, hours: number): string {
  const [unit, value] = hours < 48 ? (['hour', hours] as const) : (['day', hours / 24] as const);
  return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 }).format(
    value,
  );
}
