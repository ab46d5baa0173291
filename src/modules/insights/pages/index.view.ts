import type { FastifyRequest } from 'fastify';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import type { Criterion } from '../index.repository.ts';
import { isKpiCode } from '../kpis.ts';
import { formatValue, kpiLabel } from './shared.ts';

export interface ShownCriterion {
  key: string;
  labels: Record<string, string>;
  source: string;
  kpi: string | null;
  weight: number;
  share: number;
  value: number | null;
  floor: number;
  target: number;
  progress: number;
  points: number;
}

const number = (request: FastifyRequest, value: number, digits = 1) =>
  new Intl.NumberFormat(request.lang, { maximumFractionDigits: digits }).format(value);

export function criterionLabel(request: FastifyRequest, criterion: { labels: Record<string, string> }): string {
  return localized(criterion.labels, request.lang, request.organisation.defaultLanguage);
}

export function sourceText(request: FastifyRequest, criterion: { source: string; kpi: string | null }): string {
  if (criterion.source === 'kpi' && criterion.kpi)
    return `${request.t('insights.source.kpi')}: ${kpiLabel(request, criterion.kpi)}`;
  return request.t(`insights.source.${criterion.source}` as MessageKey);
}

const valueText = (request: FastifyRequest, criterion: ShownCriterion) =>
  criterion.source === 'kpi' && criterion.kpi && isKpiCode(criterion.kpi)
    ? formatValue(request, criterion.kpi, criterion.value)
    : criterion.value === null
      ? '—'
      : number(request, criterion.value, 2);

/** "Why this score": each criterion's value, where it sits between floor and target, and the points it gives. */
export function whyTable(
  request: FastifyRequest,
  caption: string,
  criteria: readonly ShownCriterion[],
  score: number,
): Html {
  const { t } = request;
  return html`<div class="table-wrap"><table class="data-table"><caption>${caption}</caption>
<thead><tr><th scope="col">${t('insights.column.criterion')}</th><th scope="col">${t('insights.column.source')}</th><th scope="col" class="numeric">${t('insights.column.value')}</th><th scope="col" class="numeric">${t('insights.column.floor')}</th><th scope="col" class="numeric">${t('insights.column.target')}</th><th scope="col" class="numeric">${t('insights.column.weight')}</th><th scope="col" class="numeric">${t('insights.column.progress')}</th><th scope="col" class="numeric">${t('insights.column.points')}</th></tr></thead>
<tbody>${criteria.map(
    (criterion) =>
      html`<tr><th scope="row">${criterionLabel(request, criterion)}</th><td>${sourceText(request, criterion)}</td><td class="numeric">${valueText(request, criterion)}</td><td class="numeric">${number(request, criterion.floor, 2)}</td><td class="numeric">${number(request, criterion.target, 2)}</td><td class="numeric">${number(request, 100 * criterion.share)} %</td><td class="numeric">${number(request, 100 * criterion.progress)} %</td><td class="numeric">${number(request, criterion.points, 2)}</td></tr>`,
  )}
<tr><th scope="row">${t('insights.index.score')}</th><td colspan="6">${t('insights.index.sum')}</td><td class="numeric">${number(request, score, 2)}</td></tr></tbody></table></div>
<ul>${criteria.map(
    (criterion) =>
      html`<li>${t('insights.index.why', {
        label: criterionLabel(request, criterion),
        value: valueText(request, criterion),
        floor: number(request, criterion.floor, 2),
        target: number(request, criterion.target, 2),
        progress: number(request, 100 * criterion.progress),
        share: number(request, 100 * criterion.share),
        points: number(request, criterion.points, 2),
      })}${criterion.value === null ? ` ${t('insights.index.missing')}` : ''}</li>`,
  )}</ul>`;
}

/** The methodology, generated from the city's criteria: the formula and each criterion's definition. */
export function methodology(request: FastifyRequest, criteria: readonly Criterion[]): Html {
  const { t } = request;
  const total = criteria.reduce((sum, criterion) => sum + Math.max(0, criterion.weight), 0);
  return html`<p>${t('insights.methodology.formula')}</p>
<p><code>score = Σ 100 × (weight / Σ weight) × clamp((value − floor) / (target − floor), 0, 1)</code></p>
<p>${t('insights.methodology.missing')}</p>
<div class="table-wrap"><table class="data-table"><caption>${t('insights.methodology.criteria')}</caption>
<thead><tr><th scope="col">${t('insights.column.criterion')}</th><th scope="col">${t('insights.column.source')}</th><th scope="col" class="numeric">${t('insights.column.weight')}</th><th scope="col" class="numeric">${t('insights.column.floor')}</th><th scope="col" class="numeric">${t('insights.column.target')}</th></tr></thead>
<tbody>${criteria.map(
    (criterion) =>
      html`<tr><th scope="row">${criterionLabel(request, criterion)}</th><td>${sourceText(request, criterion)}${criterion.source === 'kpi' && criterion.kpi ? html`<br>${t(`insights.kpiHelp.${criterion.kpi}` as MessageKey)}` : ''}${criterion.source === 'rubric' ? html`<br>${criterion.levels.map((level) => `${level.value}: ${localized(level.label, request.lang, request.organisation.defaultLanguage)}`).join(' · ')}` : ''}</td><td class="numeric">${number(request, total ? (100 * Math.max(0, criterion.weight)) / total : 0)} %</td><td class="numeric">${number(request, criterion.floor, 2)}</td><td class="numeric">${number(request, criterion.target, 2)}</td></tr>`,
  )}</tbody></table></div>
<p>${t('insights.methodology.survey')}</p>`;
}
