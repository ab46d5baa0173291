import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { assetFolder } from '../../../platform/web/assets.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { kpiOf, type KpiCode, type KpiStatus } from '../kpis.ts';

/** A number as the reader's language writes it, with the indicator's unit; an em dash when there is none. */
export function formatValue(request: FastifyRequest, code: KpiCode | null, value: number | null): string {
  if (value === null) return '—';
  const unit = code ? kpiOf(code).unit : 'count';
  const lang = request.lang;
  if (unit === 'percent') return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(value) + ' %';
  if (unit === 'hours')
    return new Intl.NumberFormat(lang, {
      style: 'unit',
      unit: 'hour',
      unitDisplay: 'short',
      maximumFractionDigits: 1,
    }).format(value);
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(value);
}

/** A plain number for CSV: a dot for decimals, nothing for no value. */
export function csvNumber(value: number | null | undefined): { raw: string } | null {
  return value === null || value === undefined ? null : { raw: String(Math.round(value * 1000) / 1000) };
}

export const kpiLabel = (request: FastifyRequest, code: string) => request.t(`insights.kpi.${code}` as MessageKey);

export function statusBadge(request: FastifyRequest, status: KpiStatus | null): Html {
  if (!status) return html`<span>${request.t('insights.status.none')}</span>`;
  const mark = status === 'met' ? '✓' : status === 'close' ? '≈' : '✗';
  return html`<span class="insights-status insights-status--${status}"><span aria-hidden="true">${mark} </span>${request.t(`insights.status.${status}` as MessageKey)}</span>`;
}

/** The module's stylesheet, under /insights/assets. */
export const insightsAssets = assetFolder('/insights/assets', path.join(import.meta.dirname, 'assets'));

export const INSIGHTS_STYLE = html`<link rel="stylesheet" href="${insightsAssets.url('insights.css')}">`;

/**
 * A horizontal bar chart drawn on the server (SVG) with, right after it, the table holding the same
 * numbers: the table is what screen readers and the CSV read, the chart what the eye scans.
 */
export function barChart(
  request: FastifyRequest,
  options: {
    id: string;
    title: string;
    header: string;
    valueHeader: string;
    rows: Array<{ label: string; value: number }>;
  },
): Html {
  const { id, title, rows } = options;
  const width = 640;
  const rowHeight = 26;
  const labelWidth = 220;
  const max = Math.max(1, ...rows.map((row) => row.value));
  const number = new Intl.NumberFormat(request.lang, { maximumFractionDigits: 1 });
  const bars = rows.map((row, index) => {
    const y = index * rowHeight + 4;
    const length = Math.round(((width - labelWidth - 80) * row.value) / max);
    return html`<text x="0" y="${y + 16}">${row.label.slice(0, 32)}</text><rect x="${labelWidth}" y="${y}" width="${Math.max(1, length)}" height="${rowHeight - 8}"></rect><text x="${labelWidth + length + 6}" y="${y + 16}">${number.format(row.value)}</text>`;
  });
  return html`<section aria-labelledby="${id}">
<h3 id="${id}">${title}</h3>
${
  rows.length === 0
    ? html`<p>${request.t('insights.noData')}</p>`
    : html`<svg class="insights-chart" viewBox="0 0 ${width} ${rows.length * rowHeight + 8}" width="${width}" height="${rows.length * rowHeight + 8}" role="img" aria-labelledby="${id}-svg"><title id="${id}-svg">${title}</title>${bars}</svg>
<div class="table-wrap"><table class="data-table"><caption>${title}</caption>
<thead><tr><th scope="col">${options.header}</th><th scope="col" class="numeric">${options.valueHeader}</th></tr></thead>
<tbody>${rows.map((row) => html`<tr><th scope="row">${row.label}</th><td class="numeric">${number.format(row.value)}</td></tr>`)}</tbody></table></div>`
}
</section>`;
}
