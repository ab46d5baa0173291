import { Type } from 'typebox';
import type { AppContext } from '../../platform/context.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { App } from '../../platform/http/app.ts';
import { PUBLIC } from '../../platform/http/api.ts';
import { localized } from '../../platform/i18n/translate.ts';
import { html, type Html } from '../../platform/web/html.ts';
import { renderPage } from '../../platform/web/layout.ts';
import { findDistricts } from '../places/index.ts';
import { findCategories } from './report-categories.repository.ts';
import { findPublicStatistics, foldReportChanges, vacuumReportChanges } from './statistics.repository.ts';
import { OPEN_STATUSES } from './reports.schema.ts';
import { statusLabel, stylesheet } from './pages/shared.ts';

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
    await vacuumReportChanges(ctx.db);
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
        operationId: 'reportStatistics',
        tags: ['reports'],
        summary: 'Public statistics: reports per status, category and district, and the median time to fix',
        security: PUBLIC,
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
