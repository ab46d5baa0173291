import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { numberFormat } from '../../../platform/i18n/format.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, formatDate, setNotice } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { findChannelLabels } from '../channels.repository.ts';
import { authorizeInbox } from '../inbox.policy.ts';
import { findTopics } from '../labels.repository.ts';
import { acknowledgeAlert, findAlerts } from '../listening/alerts.ts';
import {
  findTexts,
  findVolumeBy,
  findVolumeByDay,
  type DayVolume,
  type GroupVolume,
  type ListeningScope,
  type SentimentCounts,
} from '../listening/listening.repository.ts';
import { termsOf, topTerms } from '../listening/terms.ts';
import { gazetteerFor } from '../analyse.ts';
import { valueOf } from './listening-shared.ts';
import { idFrom as positiveInteger, renderInboxPage } from './shared.ts';

const PERIODS = [7, 30, 90] as const;

/** The city's topics and channels by key, for labels and filters. */
async function labels(ctx: AppContext, organisationId: number) {
  const [topics, channels, districts] = await Promise.all([
    findTopics(ctx.db, organisationId),
    findChannelLabels(ctx.db, organisationId),
    findDistricts(ctx.db, organisationId),
  ]);
  return {
    topics: topics.map((topic) => ({
      key: topic.key,
      names: typeof topic.names === 'string' ? (JSON.parse(topic.names) as Record<string, string>) : topic.names,
    })),
    channels,
    districts: districts.filter((district) => district.kind === 'district'),
  };
}

type Labels = Awaited<ReturnType<typeof labels>>;

function scopeFrom(
  request: FastifyRequest,
  now: Date,
): { scope: ListeningScope; previous: ListeningScope; days: number } {
  const query = request.query;
  const daysText = Number(valueOf(query, 'days'));
  const days = (PERIODS as readonly number[]).includes(daysText) ? daysText : 30;
  const from = new Date(now.getTime() - days * 86_400_000);
  const scope: ListeningScope = {
    organisationId: request.organisation.id,
    from,
    to: now,
    timeZone: request.organisation.timeZone,
    districtId: positiveInteger(valueOf(query, 'district')),
    topic: /^[a-z][a-z0-9_-]{0,39}$/.test(valueOf(query, 'topic')) ? valueOf(query, 'topic') : undefined,
    channelId: positiveInteger(valueOf(query, 'channel')),
  };
  return { scope, previous: { ...scope, from: new Date(from.getTime() - days * 86_400_000), to: from }, days };
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

/** Every day of the period, with zero for days without messages, so the chart's bars line up with the calendar. */
function fillDays(rows: DayVolume[], scope: ListeningScope, days: number): DayVolume[] {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const dayOf = new Intl.DateTimeFormat('en-CA', {
    timeZone: scope.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return Array.from({ length: days }, (_, index) => {
    const day = dayOf.format(new Date(scope.to.getTime() - (days - 1 - index) * 86_400_000));
    return byDay.get(day) ?? { day, total: 0, negative: 0, neutral: 0, positive: 0 };
  });
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

function filters(request: FastifyRequest, scope: ListeningScope, days: number, names: Labels): Html {
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

async function renderDashboard(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { t, lang, organisation } = request;
  const { scope, previous, days } = scopeFrom(request, new Date());
  const [names, byDay, byDistrict, byTopic, byLanguage, texts, previousTexts, previousTotal, alerts] =
    await Promise.all([
      labels(ctx, organisation.id),
      findVolumeByDay(ctx.db, scope),
      findVolumeBy(ctx.db, scope, 'district'),
      findVolumeBy(ctx.db, scope, 'topic'),
      findVolumeBy(ctx.db, scope, 'language'),
      findTexts(ctx.db, scope),
      findTexts(ctx.db, previous),
      findVolumeByDay(ctx.db, previous),
      findAlerts(ctx.db, organisation.id),
    ]);
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
  const places = await gazetteerFor(ctx.db, organisation);
  // Street and district names are places, not topics: the district tables already count them.
  const placeWords = new Set(
    [
      ...places.districts.flatMap((district) => district.names),
      ...(places.streets ?? []).map((street) => street.name),
    ].flatMap((name) => termsOf(name)),
  );
  const terms = topTerms(
    texts.map((row) => row.body),
    previousTexts.map((row) => row.body),
    30,
    placeWords,
  );
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
<tbody>${terms.map((term) => html`<tr><th scope="row">${term.term}</th><td class="numeric">${count.format(term.count)}</td><td class="numeric">${term.change !== null ? `×${numberFormat(lang, { maximumFractionDigits: 1 }).format(term.change)}` : previousTexts.length > 0 ? t('inbox.listening.new') : '—'}</td></tr>`)}</tbody></table></div>`
}
</section>
</div>
`;
  return renderInboxPage(request, reply, { title: t('inbox.listening.title'), main });
}

/** The daily figures as CSV (one row per day and sentiment count), for the city's own analyses. */
async function dashboardCsv(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { scope, days } = scopeFrom(request, new Date());
  const rows = fillDays(await findVolumeByDay(ctx.db, scope), scope, days);
  const lines = [
    'day,messages,negative,neutral,positive',
    ...rows.map((row) => `${row.day},${row.total},${row.negative},${row.neutral},${row.positive}`),
  ];
  reply.header('cache-control', 'no-store').header('content-disposition', 'attachment; filename="listening.csv"');
  return reply.type('text/csv; charset=utf-8').send(`${lines.join('\r\n')}\r\n`);
}

/** The listening dashboard: volume and sentiment per day, district, topic and language, frequent terms and alerts. */
export function registerListeningPages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/listening', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'read');
    return renderDashboard(ctx, request, reply);
  });
  app.get('/staff/inbox/listening.csv', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'read');
    return dashboardCsv(ctx, request, reply);
  });
  app.post('/staff/inbox/alerts/:id/acknowledge', { schema: { hide: true } }, async (request, reply) => {
    authorizeInbox(request.viewer, 'read');
    const id = positiveInteger((request.params as { id: string }).id);
    if (id === undefined || !(await acknowledgeAlert(ctx.db, request.organisation.id, id, request.viewer.id)))
      throw new AppError('INBOX_ALERT_NOT_FOUND');
    setNotice(reply, 'inbox.alerts.acknowledged');
    return reply.redirect('/staff/inbox/listening', 303);
  });
}
