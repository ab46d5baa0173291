import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { sendCsv, type CsvCell } from '../../../platform/web/csv.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { cityName, csrfField, errorSummary, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { readForm } from '../../../platform/web/forms.ts';
import { changeSettings } from '../index.use-cases.ts';
import { SettingsFormSchema } from '../insights.forms.ts';
import { authorizeInsights } from '../insights.policy.ts';
import { KPIS } from '../kpis.ts';
import { findInsightsSettings, type InsightsSettings } from '../settings.repository.ts';
import { ensureCriteria } from '../template.ts';
import { readTransparency } from '../transparency.use-cases.ts';
import { methodology } from './index.view.ts';
import { barChart, csvNumber, formatValue, INSIGHTS_STYLE, kpiLabel, statusBadge } from './shared.ts';

async function transparencyPage(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const { t } = request;
  const data = await readTransparency(ctx, request.organisation);
  const number = new Intl.NumberFormat(request.lang, { maximumFractionDigits: 1 });
  const latest = data.snapshots[0];
  return renderPage(request, reply, {
    title: t('insights.transparency.title'),
    description: t('insights.transparency.lead', { city: cityName(request) }),
    main: html`${INSIGHTS_STYLE}
<h1>${t('insights.transparency.title')}</h1>
<p>${t('insights.transparency.lead', { city: cityName(request) })}</p>
<p><a href="/transparency.csv" download>${t('insights.csv')}</a> · <a href="/transparency/methodology">${t('insights.methodology.title')}</a>${data.publishIndex ? html` · <a href="/open-data/communication-indicators">${t('insights.transparency.openData')}</a>` : ''}</p>
<h2>${t('insights.transparency.indicators', { from: data.period.from, to: data.period.to })}</h2>
${
  data.indicators.length === 0
    ? html`<p>${t('insights.transparency.nothing')}</p>`
    : html`<div class="table-wrap"><table class="data-table"><caption>${t('insights.transparency.indicators', { from: data.period.from, to: data.period.to })}</caption>
<thead><tr><th scope="col">${t('insights.column.indicator')}</th><th scope="col" class="numeric">${t('insights.column.current')}</th><th scope="col" class="numeric">${t('insights.column.previous')}</th><th scope="col" class="numeric">${t('insights.column.target')}</th><th scope="col">${t('insights.column.status')}</th></tr></thead>
<tbody>${data.indicators.map((row) => html`<tr><th scope="row">${kpiLabel(request, row.code)}<br><small>${t(`insights.kpiHelp.${row.code}` as MessageKey)}</small></th><td class="numeric">${formatValue(request, row.code, row.current)}</td><td class="numeric">${formatValue(request, row.code, row.previous)}</td><td class="numeric">${formatValue(request, row.code, row.target ?? null)}</td><td>${statusBadge(request, row.status)}</td></tr>`)}</tbody></table></div>`
}
${
  data.publishIndex
    ? html`<h2>${t('insights.index.title')}</h2>
${latest ? html`<p class="insights-score">${number.format(latest.score)} / 100 (${latest.period})</p>` : html`<p>${t('insights.noData')}</p>`}
${barChart(request, { id: 'index-history', title: t('insights.index.snapshotsChart'), header: t('insights.column.period'), valueHeader: t('insights.index.score'), rows: [...data.snapshots].reverse().map((s) => ({ label: s.period, value: Math.round(s.score * 10) / 10 })) })}`
    : ''
}`,
  });
}

function transparencyCsv(request: FastifyRequest, data: Awaited<ReturnType<typeof readTransparency>>): CsvCell[][] {
  const rows: CsvCell[][] = [['section', 'item', 'label', 'value', 'previous', 'target', 'status', 'from', 'to']];
  for (const row of data.indicators)
    rows.push([
      'indicator',
      row.code,
      kpiLabel(request, row.code),
      csvNumber(row.current),
      csvNumber(row.previous),
      csvNumber(row.target),
      row.status ?? '',
      data.period.from,
      data.period.to,
    ]);
  for (const snapshot of data.snapshots) {
    rows.push([
      'index',
      snapshot.period,
      request.t('insights.index.score'),
      csvNumber(snapshot.score),
      null,
      null,
      '',
      snapshot.periodStart,
      snapshot.periodEnd,
    ]);
    for (const criterion of snapshot.criteria)
      rows.push([
        'index-criterion',
        `${snapshot.period}/${criterion.key}`,
        localized(criterion.labels, request.lang, request.organisation.defaultLanguage),
        csvNumber(criterion.value),
        null,
        csvNumber(criterion.target),
        csvNumber(criterion.points),
        snapshot.periodStart,
        snapshot.periodEnd,
      ]);
  }
  return rows;
}

function settingsPage(
  request: FastifyRequest,
  reply: FastifyReply,
  settings: InsightsSettings,
  errors: Record<string, string> = {},
  status = 200,
) {
  const { t } = request;
  return renderPage(request, reply, {
    title: t('insights.settings.title'),
    noIndex: true,
    status,
    main: html`<h1>${t('insights.settings.title')}</h1>${errorSummary(request, errors)}
<form method="post" action="/staff/insights/settings" novalidate>${csrfField(request)}
<div class="table-wrap"><table class="data-table"><caption>${t('insights.settings.targets')}</caption>
<thead><tr><th scope="col">${t('insights.column.indicator')}</th><th scope="col">${t('insights.column.target')}</th><th scope="col">${t('insights.settings.publish')}</th></tr></thead>
<tbody>${KPIS.map(
      (kpi) => html`<tr><th scope="row" id="label-${kpi.code}">${kpiLabel(request, kpi.code)}</th>
<td><input id="target-${kpi.code}" name="target-${kpi.code}" type="number" step="any" value="${settings.targets[kpi.code] ?? ''}" aria-labelledby="label-${kpi.code}"${errors[`target-${kpi.code}`] ? raw(' aria-invalid="true"') : ''}></td>
<td><input id="publish-${kpi.code}" name="publish-${kpi.code}" type="checkbox" value="yes" aria-labelledby="label-${kpi.code}"${settings.published.includes(kpi.code) ? raw(' checked') : ''}></td></tr>`,
    )}</tbody></table></div>
<div class="field"><input id="publishIndex" name="publishIndex" type="checkbox" value="yes"${settings.publishIndex ? raw(' checked') : ''}> <label for="publishIndex">${t('insights.settings.publishIndex')}</label></div>
<div class="field"><label for="periodKind">${t('insights.settings.periodKind')}</label><select id="periodKind" name="periodKind">${(['month', 'quarter'] as const).map((kind) => html`<option value="${kind}"${settings.periodKind === kind ? raw(' selected') : ''}>${t(`insights.settings.${kind}` as MessageKey)}</option>`)}</select></div>
<div class="field${errors.template ? ' field--error' : ''}"><label for="template">${t('insights.settings.template')}</label><p class="field__hint" id="template-hint">${t('insights.settings.templateHint')}</p>${errors.template ? html`<p class="field__error" id="template-error">${errors.template}</p>` : ''}<input id="template" name="template" value="${settings.template}" aria-describedby="template-hint" maxlength="40"></div>
<button type="submit" class="button">${t('insights.action.save')}</button></form>`,
  });
}

export function registerTransparencyPages(app: App, ctx: AppContext): void {
  app.get('/transparency', { schema: { hide: true } }, (request, reply) => transparencyPage(ctx, request, reply));
  app.get('/transparency.csv', { schema: { hide: true } }, async (request, reply) => {
    const data = await readTransparency(ctx, request.organisation);
    return sendCsv(
      reply.header('access-control-allow-origin', '*'),
      'transparency.csv',
      transparencyCsv(request, data),
    );
  });
  app.get('/transparency/methodology', { schema: { hide: true } }, async (request, reply) => {
    const { t } = request;
    const criteria = await ensureCriteria(ctx, request.organisation);
    return renderPage(request, reply, {
      title: t('insights.methodology.title'),
      main: html`<h1>${t('insights.methodology.title')}</h1><p><a href="/transparency">${t('insights.transparency.title')}</a></p>${methodology(request, criteria)}`,
    });
  });
  app.get('/staff/insights/settings', { schema: { hide: true } }, async (request, reply) => {
    authorizeInsights(request.viewer, 'configure');
    return settingsPage(request, reply, await findInsightsSettings(ctx.db, request.organisation.id));
  });
  app.post('/staff/insights/settings', { schema: { hide: true } }, async (request, reply) => {
    authorizeInsights(request.viewer, 'configure');
    const form = readForm(SettingsFormSchema, request.body);
    const value = (form.ok ? form.value : form.input) as Record<string, unknown>;
    const targets: Record<string, number> = {};
    const formErrors: Record<string, string> = form.ok
      ? {}
      : Object.fromEntries(form.errors.map((e) => [e.field, t(request, e.code)]));
    for (const kpi of KPIS) {
      const target = value[`target-${kpi.code}`];
      if (typeof target === 'number') targets[kpi.code] = target;
    }
    const settings: InsightsSettings = {
      template: typeof value.template === 'string' && value.template !== '' ? value.template : 'default',
      periodKind: value.periodKind === 'quarter' ? 'quarter' : 'month',
      targets,
      published: KPIS.filter((kpi) => value[`publish-${kpi.code}`] === true).map((kpi) => kpi.code),
      publishIndex: value.publishIndex === true,
    };
    if (Object.keys(formErrors).length) return settingsPage(request, reply, settings, formErrors, 400);
    const outcome = await changeSettings(ctx, request.viewer, request.organisation, settings);
    if (!outcome.ok)
      return settingsPage(
        request,
        reply,
        settings,
        Object.fromEntries(Object.entries(outcome.fields).map(([k, code]) => [k, t(request, code)])),
        400,
      );
    setNotice(reply, 'insights.notice.saved');
    return reply.redirect('/staff/insights/settings', 303);
  });
}

const t = (request: FastifyRequest, code: string) => request.t(`insights.problem.${code}` as MessageKey);
