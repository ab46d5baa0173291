import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { translatedInputs } from '../../../platform/web/components/translated-inputs.ts';
import { readForm, translatedValue } from '../../../platform/web/forms.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { parseId } from '../../../platform/validation.ts';
import type { Criterion } from '../index.repository.ts';
import {
  enterValues,
  readIndex,
  readNetwork,
  removeCriterion,
  saveCriterion,
  takeSnapshot,
  type CriterionForm,
} from '../index.use-cases.ts';
import { CriterionFormSchema, SnapshotFormSchema } from '../insights.forms.ts';
import { authorizeInsights } from '../insights.policy.ts';
import { SOURCES } from '../insights.schema.ts';
import { KPIS } from '../kpis.ts';
import { ensureCriteria, rubricLevels } from '../template.ts';
import { criterionLabel, whyTable } from './index.view.ts';
import { barChart, INSIGHTS_STYLE, kpiLabel } from './shared.ts';

const problemText = (request: FastifyRequest, fields: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(fields).map(([name, code]) => [name, request.t(`insights.problem.${code}` as MessageKey)]),
  );

async function indexPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  errors: Record<string, string> = {},
  status = 200,
) {
  const { t, organisation } = request;
  const query = (request.query ?? {}) as Record<string, unknown>;
  const periodKey = typeof query.period === 'string' && query.period !== '' ? query.period : undefined;
  authorizeInsights(request.viewer, 'read-index');
  const criteria = await ensureCriteria(ctx, organisation);
  const { reading, snapshots } = await readIndex(ctx, request.viewer, organisation, criteria, periodKey);
  const admin = hasRole(request.viewer, 'admin');
  const entered = criteria.filter((criterion) => criterion.source !== 'kpi');
  const shown = (criterion: Criterion) => reading.criteria.find((c) => c.id === criterion.id)?.value ?? null;
  return renderPage(request, reply, {
    title: t('insights.index.title'),
    noIndex: true,
    status,
    main: html`${INSIGHTS_STYLE}
<h1>${t('insights.index.title')}</h1>
<p><a href="/staff/insights">${t('insights.dashboard.title')}</a> · <a href="/transparency/methodology">${t('insights.methodology.title')}</a>${admin ? html` · <a href="/staff/insights/settings">${t('insights.settings.title')}</a> · <a href="/admin/insights/network">${t('insights.network.title')}</a>` : ''}</p>
${errorSummary(request, errors)}
<h2>${t('insights.index.current', { period: reading.period.key })}</h2>
<p class="insights-score">${new Intl.NumberFormat(request.lang, { maximumFractionDigits: 1 }).format(reading.score)} / 100</p>
${whyTable(request, t('insights.index.whyTitle', { period: reading.period.key }), reading.criteria, reading.score)}
${admin ? html`<form method="post" action="/staff/insights/index/snapshot">${csrfField(request)}<input type="hidden" name="period" value="${reading.period.key}"><button type="submit" class="button">${t('insights.index.takeSnapshot', { period: reading.period.key })}</button></form>` : ''}
<h2 id="values-title">${t('insights.index.values', { period: reading.period.key })}</h2>
<p>${t('insights.index.valuesHelp')}</p>
<form method="post" action="/staff/insights/index/values" aria-labelledby="values-title">${csrfField(request)}<input type="hidden" name="period" value="${reading.period.key}">
${entered.map((criterion) => {
  const name = `value-${criterion.id}`;
  const value = shown(criterion);
  const error = errors[name];
  return criterion.source === 'rubric'
    ? html`<div class="field${error ? ' field--error' : ''}"><label for="${name}">${criterionLabel(request, criterion)}</label>${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
<select id="${name}" name="${name}"><option value="">${t('insights.index.noValue')}</option>${criterion.levels.map(
        (level) =>
          html`<option value="${level.value}"${value === level.value ? raw(' selected') : ''}>${level.value} — ${localized(level.label, request.lang, organisation.defaultLanguage)}</option>`,
      )}</select></div>`
    : field({
        name,
        label: `${criterionLabel(request, criterion)} (${t('insights.source.survey')})`,
        type: 'number',
        value: value === null ? '' : String(value),
        hint: t('insights.index.surveyHint'),
        ...(error ? { error } : {}),
      });
})}
<button type="submit" class="button">${t('insights.action.save')}</button></form>
<h2>${t('insights.index.snapshots')}</h2>
${barChart(request, {
  id: 'snapshots',
  title: t('insights.index.snapshotsChart'),
  header: t('insights.column.period'),
  valueHeader: t('insights.index.score'),
  rows: [...snapshots]
    .reverse()
    .map((snapshot) => ({ label: snapshot.period, value: Math.round(snapshot.score * 10) / 10 })),
})}
${snapshots.map((snapshot) => html`<details><summary>${t('insights.index.whySnapshot', { period: snapshot.period })}</summary>${whyTable(request, t('insights.index.whyTitle', { period: snapshot.period }), snapshot.criteria, snapshot.score)}</details>`)}
${admin ? html`<h2>${t('insights.index.criteria')}</h2><ul>${criteria.map((criterion) => html`<li><a href="/staff/insights/index/criteria/${criterion.id}">${criterionLabel(request, criterion)}</a></li>`)}</ul><p><a class="button" href="/staff/insights/index/criteria/new">${t('insights.index.addCriterion')}</a></p>` : ''}`,
  });
}

function criterionPage(
  request: FastifyRequest,
  reply: FastifyReply,
  id: number | undefined,
  form: CriterionForm,
  errors: Record<string, string> = {},
  status = 200,
) {
  const { t } = request;
  const title = id === undefined ? t('insights.index.addCriterion') : t('insights.index.editCriterion');
  const number = (value: number) => (Number.isFinite(value) ? String(value) : '');
  return renderPage(request, reply, {
    title,
    noIndex: true,
    status,
    main: html`<h1>${title}</h1>${errorSummary(request, errors)}
<form method="post" action="/staff/insights/index/criteria/${id ?? 'new'}" novalidate>${csrfField(request)}
${id === undefined ? field({ name: 'key', label: t('insights.criterionForm.key'), hint: t('insights.criterionForm.keyHint'), value: form.key, error: errors.key, maxlength: 40 }) : ''}
${translatedInputs(request, 'labels', 'insights.criterionForm.labels', form.labels, errors)}
${field({ name: 'weight', label: t('insights.column.weight'), type: 'number', value: number(form.weight), error: errors.weight })}
<div class="field"><label for="source">${t('insights.column.source')}</label><select id="source" name="source">${SOURCES.map((source) => html`<option value="${source}"${source === form.source ? raw(' selected') : ''}>${t(`insights.source.${source}` as MessageKey)}</option>`)}</select></div>
<div class="field${errors.kpi ? ' field--error' : ''}"><label for="kpi">${t('insights.criterionForm.kpi')}</label>${errors.kpi ? html`<p class="field__error" id="kpi-error">${errors.kpi}</p>` : ''}<select id="kpi" name="kpi"><option value="">—</option>${KPIS.map((kpi) => html`<option value="${kpi.code}"${kpi.code === form.kpi ? raw(' selected') : ''}>${kpiLabel(request, kpi.code)}</option>`)}</select></div>
${field({ name: 'floor', label: t('insights.column.floor'), type: 'number', value: number(form.floor), error: errors.floor, hint: t('insights.criterionForm.floorHint') })}
${field({ name: 'target', label: t('insights.column.target'), type: 'number', value: number(form.target), error: errors.target })}
<button type="submit" class="button">${t('insights.action.save')}</button></form>
${id === undefined ? '' : html`<form method="post" action="/staff/insights/index/criteria/${id}/delete">${csrfField(request)}<button type="submit" class="button button--secondary">${t('insights.action.delete')}</button></form>`}`,
  });
}

function criterionId(request: FastifyRequest): number {
  const id = parseId((request.params as { id?: string }).id);
  if (id === undefined) throw new AppError('INSIGHTS_CRITERION_NOT_FOUND');
  return id;
}

async function handleCriterion(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, id: number | undefined) {
  authorizeInsights(request.viewer, 'configure');
  const { organisation } = request;
  const form = readForm(CriterionFormSchema(organisation.languages), request.body);
  const value = (form.ok ? form.value : form.input) as Record<string, unknown>;
  const input: CriterionForm = {
    key: typeof value.key === 'string' ? value.key : '',
    labels: translatedValue(value, 'labels', organisation.languages),
    weight: typeof value.weight === 'number' ? value.weight : Number.NaN,
    source: typeof value.source === 'string' ? value.source : '',
    kpi: typeof value.kpi === 'string' ? value.kpi : '',
    floor: typeof value.floor === 'number' ? value.floor : Number.NaN,
    target: typeof value.target === 'number' ? value.target : Number.NaN,
  };
  const criteria = await ensureCriteria(ctx, organisation);
  const outcome = await saveCriterion(
    ctx,
    request.viewer,
    organisation,
    criteria,
    id,
    input,
    rubricLevels(organisation.languages),
  );
  if (!outcome.ok) return criterionPage(request, reply, id, input, problemText(request, outcome.fields), 400);
  setNotice(reply, 'insights.notice.saved');
  return reply.redirect('/staff/insights/index', 303);
}

export function registerIndexPages(app: App, ctx: AppContext): void {
  app.get('/staff/insights/index', { schema: { hide: true } }, (request, reply) => indexPage(ctx, request, reply));
  app.post('/staff/insights/index/values', { schema: { hide: true } }, async (request, reply) => {
    authorizeInsights(request.viewer, 'enter-values');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const period = typeof body.period === 'string' ? body.period : '';
    const criteria = await ensureCriteria(ctx, request.organisation);
    const values = new Map<number, number | null>();
    for (const criterion of criteria.filter((c) => c.source !== 'kpi')) {
      const raw = body[`value-${criterion.id}`];
      if (typeof raw !== 'string') continue;
      const text = raw.trim().replace(',', '.');
      values.set(criterion.id, text === '' ? null : /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN);
    }
    const outcome = await enterValues(ctx, request.viewer, request.organisation, criteria, period, values);
    if (!outcome.ok) {
      (request.query as Record<string, unknown>).period = period;
      return indexPage(ctx, request, reply, problemText(request, outcome.fields), 400);
    }
    setNotice(reply, 'insights.notice.saved');
    return reply.redirect(`/staff/insights/index?period=${encodeURIComponent(period)}`, 303);
  });
  app.post('/staff/insights/index/snapshot', { schema: { hide: true } }, async (request, reply) => {
    authorizeInsights(request.viewer, 'configure');
    const form = readForm(SnapshotFormSchema, request.body);
    const period = form.ok && form.value.period !== '' ? form.value.period : undefined;
    const criteria = await ensureCriteria(ctx, request.organisation);
    const taken = await takeSnapshot(ctx, request.viewer, request.organisation, criteria, period);
    setNotice(reply, 'insights.notice.snapshot');
    return reply.redirect(`/staff/insights/index?period=${encodeURIComponent(taken.period)}`, 303);
  });
  app.get('/staff/insights/index/criteria/new', { schema: { hide: true } }, async (request, reply) => {
    authorizeInsights(request.viewer, 'configure');
    return criterionPage(request, reply, undefined, {
      key: '',
      labels: {},
      weight: 1,
      source: 'rubric',
      kpi: '',
      floor: 0,
      target: 4,
    });
  });
  app.post('/staff/insights/index/criteria/new', { schema: { hide: true } }, (request, reply) =>
    handleCriterion(ctx, request, reply, undefined),
  );
  app.get('/staff/insights/index/criteria/:id', { schema: { hide: true } }, async (request, reply) => {
    authorizeInsights(request.viewer, 'configure');
    const id = criterionId(request);
    const criterion = (await ensureCriteria(ctx, request.organisation)).find((c) => c.id === id);
    if (!criterion) throw new AppError('INSIGHTS_CRITERION_NOT_FOUND');
    return criterionPage(request, reply, id, { ...criterion, kpi: criterion.kpi ?? '' });
  });
  app.post('/staff/insights/index/criteria/:id', { schema: { hide: true } }, (request, reply) =>
    handleCriterion(ctx, request, reply, criterionId(request)),
  );
  app.post('/staff/insights/index/criteria/:id/delete', { schema: { hide: true } }, async (request, reply) => {
    await removeCriterion(ctx, request.viewer, request.organisation, criterionId(request));
    setNotice(reply, 'insights.notice.saved');
    return reply.redirect('/staff/insights/index', 303);
  });
  app.get('/admin/insights/network', { schema: { hide: true } }, async (request, reply) => {
    const { t } = request;
    const network = await readNetwork(ctx, request.viewer, request.organisation);
    const periods = [...new Set(network.cities.flatMap((city) => city.snapshots.map((s) => s.period)))]
      .sort()
      .reverse();
    const number = new Intl.NumberFormat(request.lang, { maximumFractionDigits: 1 });
    return renderPage(request, reply, {
      title: t('insights.network.title'),
      noIndex: true,
      main: html`<h1>${t('insights.network.title')}</h1><p>${t('insights.network.lead', { template: network.template })}</p>
<div class="table-wrap"><table class="data-table"><caption>${t('insights.network.title')}</caption>
<thead><tr><th scope="col">${t('insights.column.period')}</th>${network.cities.map(({ city }) => html`<th scope="col" class="numeric">${localized(city.name, request.lang, city.defaultLanguage)}</th>`)}</tr></thead>
<tbody>${periods.map(
        (period) =>
          html`<tr><th scope="row">${period}</th>${network.cities.map(({ snapshots }) => {
            const snapshot = snapshots.find((s) => s.period === period);
            return html`<td class="numeric">${snapshot ? number.format(snapshot.score) : '—'}</td>`;
          })}</tr>`,
      )}</tbody></table></div>`,
    });
  });
}
