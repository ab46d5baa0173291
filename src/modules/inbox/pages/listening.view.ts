import type { FastifyReply, FastifyRequest } from 'fastify';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, formatDate } from '../../../platform/web/layout.ts';
import type { District } from '../../places/index.ts';
import type {
  DayVolume,
  findAlerts,
  GroupVolume,
  ListeningScope,
  SentimentCounts,
} from '../listening/listening.repository.ts';
import type { TermCount } from '../listening/terms.ts';
import { fillDays } from './listening-shared.ts';
import { renderInboxPage } from './shared.ts';

export const PERIODS = [7, 30, 90] as const;

/** The city's topics, channels and districts, for labels and filters. */
export interface ListeningNames {
  topics: Array<{ key: string; names: Record<string, string> }>;
  channels: Array<{ id: number; name: string }>;
  districts: District[];
}

function sum(rows: readonly SentimentCounts[]): SentimentCounts {
  return rows.reduce(
    (total, row) => ({
      total: total.total + row.total,
      negative: total.negative + row.negative,
      neutral: total.neutral + row.neutral,
      positive: total.positive + row.positive,
    }),
    { total: 0, negative: 0, neutral: 0, positive: 0 },
  );
}

/** Stacked bars per day (negative, neutral, positive), drawn on the server; the table below says the same in words. */
function dayChart(request: FastifyRequest, rows: DayVolume[]): Html {
  const { t } = request;
  const height = 160;
  const barWidth = Math.max(4, Math.floor(720 / Math.max(rows.length, 1)) - 2);
  const width = rows.length * (barWidth + 2);
  const max = Math.max(1, ...rows.map((row) => row.total));
  const bars = rows.map((row, index) => {
    const x = index * (barWidth + 2);
    let y = height;
    return (['negative', 'neutral', 'positive'] as const).map((sentiment) => {
      const h = (row[sentiment] / max) * (height - 10);
      y -= h;
      return h > 0
        ? html`<rect class="listening-bar listening-bar--${sentiment}" x="${x}" y="${y.toFixed(1)}" width="${barWidth}" height="${h.toFixed(1)}"><title>${row.day}: ${row[sentiment]} ${t(`inbox.listening.sentiment.${sentiment}`)}</title></rect>`
        : '';
    });
  });
  return html`<figure class="listening-chart">
<svg viewBox="0 0 ${width} ${height}" width="100%" height="${height}" preserveAspectRatio="none" role="img" aria-labelledby="volume-title"><title id="volume-title">${t('inbox.listening.chartTitle')}</title>${bars}</svg>
<figcaption><span class="listening-key listening-key--negative"></span> ${t('inbox.listening.sentiment.negative')} <span class="listening-key listening-key--neutral"></span> ${t('inbox.listening.sentiment.neutral')} <span class="listening-key listening-key--positive"></span> ${t('inbox.listening.sentiment.positive')}</figcaption>
</figure>`;
}

function share(part: number, total: number): number {
  return total === 0 ? 0 : part / total;
}

function groupTable(
  request: FastifyRequest,
  caption: string,
  rows: GroupVolume[],
  labelOf: (key: string | null) => string,
): Html {
  const { t } = request;
  const count = numberFormat(request.lang);
  const percent = numberFormat(request.lang, { style: 'percent', maximumFractionDigits: 0 });
  // Focusable and named: a table wider than its column scrolls, and keyboard users must reach it.
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${caption}"><table class="data-table">
<caption>${caption}</caption>
<thead><tr><th scope="col">${t('inbox.listening.subject')}</th><th scope="col" class="numeric">${t('inbox.listening.messages')}</th><th scope="col" class="numeric">${t('inbox.listening.sentiment.negative')}</th><th scope="col" class="numeric">${t('inbox.listening.sentiment.neutral')}</th><th scope="col" class="numeric">${t('inbox.listening.sentiment.positive')}</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="5">${t('inbox.listening.none')}</td></tr>` : rows.map((row) => html`<tr><th scope="row">${labelOf(row.key)}</th><td class="numeric">${count.format(row.total)}</td><td class="numeric">${percent.format(share(row.negative, row.total))}</td><td class="numeric">${percent.format(share(row.neutral, row.total))}</td><td class="numeric">${percent.format(share(row.positive, row.total))}</td></tr>`)}</tbody>
</table></div>`;
}

function filters(request: FastifyRequest, scope: ListeningScope, days: number, names: ListeningNames): Html {
  const { t, lang, organisation } = request;
  const option = (value: string | number, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? raw(' selected') : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/staff/inbox/listening">
<div class="field"><label for="days">${t('inbox.listening.period')}</label><select id="days" name="days">${PERIODS.map((period) => option(period, t('inbox.listening.lastDays', { count: period }), period === days))}</select></div>
<div class="field"><label for="district">${t('inbox.listening.district')}</label><select id="district" name="district">${option('', t('inbox.listening.all'), scope.districtId === undefined)}${names.districts.map((district) => option(district.id, localized(district.name, lang, organisation.defaultLanguage), district.id === scope.districtId))}</select></div>
<div class="field"><label for="topic">${t('inbox.listening.topic')}</label><select id="topic" name="topic">${option('', t('inbox.listening.all'), scope.topic === undefined)}${names.topics.map((topic) => option(topic.key, localized(topic.names, lang, organisation.defaultLanguage), topic.key === scope.topic))}</select></div>
<div class="field"><label for="channel">${t('inbox.listening.channel')}</label><select id="channel" name="channel">${option('', t('inbox.listening.all'), scope.channelId === undefined)}${names.channels.map((channel) => option(channel.id, channel.name, channel.id === scope.channelId))}</select></div>
<button class="button" type="submit">${t('inbox.listening.show')}</button>
</form>`;
}

/** What the dashboard shows for the period and filters of `scope`. */
export interface DashboardData {
  scope: ListeningScope;
  days: number;
  names: ListeningNames;
  byDay: DayVolume[];
  byDistrict: GroupVolume[];
  byTopic: GroupVolume[];
  byLanguage: GroupVolume[];
  /** The days of the period before, for the comparison. */
  previousTotal: DayVolume[];
  /** How many messages of the period before the terms were compared with. */
  previousMessages: number;
  alerts: Awaited<ReturnType<typeof findAlerts>>;
  terms: TermCount[];
}

/** The listening dashboard: alerts, totals, volume and sentiment per day, district, topic and language, and frequent terms. */
export function dashboardView(request: FastifyRequest, reply: FastifyReply, data: DashboardData): FastifyReply {
  const { t, lang, organisation } = request;
  const { scope, days, names, byDay, byDistrict, byTopic, byLanguage, previousTotal, previousMessages, alerts, terms } =
    data;
  const totals = sum(byDay);
  const before = sum(previousTotal);
  const count = numberFormat(lang);
  const percent = numberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const districtName = (key: string | null) => {
    const district = names.districts.find((d) => String(d.id) === key);
    return district ? localized(district.name, lang, organisation.defaultLanguage) : t('inbox.listening.noDistrict');
  };
  const topicName = (key: string | null) => {
    const topic = names.topics.find((entry) => entry.key === key);
    return topic ? localized(topic.names, lang, organisation.defaultLanguage) : (key ?? t('inbox.listening.noTopic'));
  };
  const languageName = (key: string | null) =>
    key && key in LANGUAGES
      ? LANGUAGES[key as keyof typeof LANGUAGES].name
      : (key ?? t('inbox.listening.unknownLanguage'));
  const main = html`<h1>${t('inbox.listening.title')}</h1>
<p>${t('inbox.listening.lead')}</p>
${filters(request, scope, days, names)}
${
  alerts.length > 0
    ? html`<section aria-labelledby="alerts-title" class="listening-alerts"><h2 id="alerts-title">${t('inbox.alerts.title')}</h2><ul>${alerts.map(
        (alert) => html`<li>
<strong>${t(alert.kind === 'volume' ? 'inbox.alerts.volume' : 'inbox.alerts.negative', { subject: alert.district_id !== null ? districtName(String(alert.district_id)) : topicName(alert.topic) })}</strong>
${alert.kind === 'volume' ? t('inbox.alerts.volumeDetail', { observed: count.format(alert.observed), expected: count.format(alert.expected) }) : t('inbox.alerts.negativeDetail', { observed: percent.format(alert.observed), expected: percent.format(alert.expected) })}
<span class="muted">${formatDate(request, alert.window_end, true)}</span>
<form class="inline-form" method="post" action="/staff/inbox/alerts/${alert.id}/acknowledge">${csrfField(request)}<button class="link-button" type="submit">${t('inbox.alerts.acknowledge')}</button></form>
</li>`,
      )}</ul></section>`
    : ''
}
<section aria-labelledby="summary-title"><h2 id="summary-title">${t('inbox.listening.summary')}</h2>
<ul class="cards">
<li class="card"><p class="listening-figure">${count.format(totals.total)}</p><p>${t('inbox.listening.messagesInPeriod', { count: days })}${before.total > 0 ? html` <span class="muted">(${t('inbox.listening.previous', { count: before.total })})</span>` : ''}</p></li>
<li class="card"><p class="listening-figure">${percent.format(share(totals.negative, totals.total))}</p><p>${t('inbox.listening.negativeShare')}${before.total > 0 ? html` <span class="muted">(${t('inbox.listening.previousShare', { share: percent.format(share(before.negative, before.total)) })})</span>` : ''}</p></li>
<li class="card"><p class="listening-figure">${percent.format(share(totals.positive, totals.total))}</p><p>${t('inbox.listening.positiveShare')}</p></li>
</ul></section>
<section aria-labelledby="volume-heading"><h2 id="volume-heading">${t('inbox.listening.perDay')}</h2>
${dayChart(request, fillDays(byDay, scope, days))}
<details><summary>${t('inbox.listening.asTable')}</summary>${groupTable(
    request,
    t('inbox.listening.perDay'),
    byDay.map((row) => ({ ...row, key: row.day })),
    (key) => key ?? '',
  )}</details>
<p><a href="/staff/inbox/listening.csv?${new URLSearchParams(Object.entries({ days: String(days), district: scope.districtId?.toString() ?? '', topic: scope.topic ?? '', channel: scope.channelId?.toString() ?? '' }).filter(([, v]) => v !== '')).toString()}">${t('inbox.listening.csv')}</a></p>
</section>
<div class="listening-grid">
<section aria-labelledby="district-heading"><h2 id="district-heading">${t('inbox.listening.perDistrict')}</h2>${groupTable(request, t('inbox.listening.perDistrict'), byDistrict, districtName)}</section>
<section aria-labelledby="topic-heading"><h2 id="topic-heading">${t('inbox.listening.perTopic')}</h2>${groupTable(request, t('inbox.listening.perTopic'), byTopic, topicName)}</section>
<section aria-labelledby="language-heading"><h2 id="language-heading">${t('inbox.listening.perLanguage')}</h2>${groupTable(request, t('inbox.listening.perLanguage'), byLanguage, languageName)}</section>
<section aria-labelledby="terms-heading"><h2 id="terms-heading">${t('inbox.listening.terms')}</h2>
${
  terms.length === 0
    ? html`<p>${t('inbox.listening.none')}</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="${t('inbox.listening.terms')}"><table class="data-table listening-terms"><caption class="visually-hidden">${t('inbox.listening.terms')}</caption>
<thead><tr><th scope="col">${t('inbox.listening.terms')}</th><th scope="col" class="numeric">${t('inbox.listening.messages')}</th><th scope="col" class="numeric">${t('inbox.listening.change')}</th></tr></thead>
<tbody>${terms.map((term) => html`<tr><th scope="row">${term.term}</th><td class="numeric">${count.format(term.count)}</td><td class="numeric">${term.change !== null ? `×${numberFormat(lang, { maximumFractionDigits: 1 }).format(term.change)}` : previousMessages > 0 ? t('inbox.listening.new') : '—'}</td></tr>`)}</tbody></table></div>`
}
</section>
</div>
`;
  return renderInboxPage(request, reply, { title: t('inbox.listening.title'), main });
}
