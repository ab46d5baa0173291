import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import { isLanguage, LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, formatDate } from '../../../platform/web/layout.ts';
import type { District } from '../../places/index.ts';
import type { ConversationRow, ListCursor, StatusCounts } from '../conversations.repository.ts';
import { CONVERSATION_STATUSES, SENTIMENTS, type ConversationStatus, type Sentiment } from '../inbox.schema.ts';
import { channelLabel, firstLine, hoursBetween, inputField, renderInboxPage, selectInput } from './shared.ts';

/** The query-string fields of the inbox's filters, in the order the form shows them. */
export const FILTER_FIELDS = [
  'status',
  'channel',
  'language',
  'sentiment',
  'topic',
  'district',
  'assignee',
  'department',
  'delivery',
  'from',
  'to',
  'q',
] as const;
export type FilterQuery = Record<(typeof FILTER_FIELDS)[number], string>;

/** The address of the inbox's list with these filters (and `extra`), empty values left out. */
export function search(query: Partial<FilterQuery>, extra: Record<string, string> = {}): string {
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries({ ...query, ...extra })) if (value) entries.push([name, value]);
  const params = new URLSearchParams(entries);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** "3 hours", "2 days": how long ago, in whole units. */
export function age(request: FastifyRequest, from: Date, now: Date): string {
  const hours = hoursBetween(from, now);
  return hours < 48
    ? request.t('inbox.age.hours', { count: hours })
    : request.t('inbox.age.days', { count: Math.floor(hours / 24) });
}

/** The first-response marker: answered after N hours, or waiting N hours — in words, marked when over the goal. */
export function firstResponseNote(
  request: FastifyRequest,
  row: { firstMessageAt: Date; firstResponseAt: Date | null; status: ConversationStatus },
  goalHours: number,
  now: Date,
): Html {
  if (row.firstResponseAt)
    return html`<span class="muted">${request.t('inbox.firstResponse.after', { hours: hoursBetween(row.firstMessageAt, row.firstResponseAt) })}</span>`;
  if (row.status === 'done') return html``;
  const hours = hoursBetween(row.firstMessageAt, now);
  const text = request.t('inbox.firstResponse.waiting', { hours });
  return hours > goalHours
    ? html`<strong class="staff-overdue inbox-late">${text} ${request.t('inbox.firstResponse.overGoal', { goal: goalHours })}</strong>`
    : html`<span>${text}</span>`;
}

/** Labels of the values the list shows, in the reader's language. */
export interface Labels {
  language(code: string | null): string;
  sentiment(value: Sentiment | null): string;
  topic(key: string | null): string;
  district(id: number | null): string;
  status(value: ConversationStatus): string;
}

function conversationRow(
  request: FastifyRequest,
  row: ConversationRow,
  labels: Labels,
  goalHours: number,
  now: Date,
): Html {
  const author = row.authorName ?? row.authorHandle ?? row.authorEmail ?? request.t('inbox.anonymous');
  const assigned = [
    row.departmentName ? localized(row.departmentName, request.lang, request.organisation.defaultLanguage) : '',
    row.assigneeName ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
  return html`<tr>
  <td>${channelLabel(row.channelKind, row.channelName)}</td>
  <td>${author}</td>
  <td><a href="/staff/inbox/${row.id}">${firstLine(row.firstBody ?? row.subject ?? '', 90) || request.t('inbox.noText')}</a>${row.messageCount > 1 ? html` <span class="muted">(${row.messageCount})</span>` : ''}${row.reportId ? html` <span class="tag">${request.t('inbox.reportTag', { id: row.reportId })}</span>` : ''}</td>
  <td>${labels.language(row.language)}</td>
  <td>${labels.sentiment(row.sentiment)}</td>
  <td>${labels.topic(row.topic)}</td>
  <td>${labels.district(row.districtId)}</td>
  <td>${labels.status(row.status)}${row.deliveryFailedAt ? html`<br><span class="tag inbox-delivery inbox-delivery--failed" data-delivery="failed">${request.t('inbox.filter.deliveryFailed')}</span>` : ''}</td>
  <td>${assigned || '—'}</td>
  <td><time datetime="${row.lastMessageAt.toISOString()}" title="${formatDate(request, row.lastMessageAt, true)}">${age(request, row.lastMessageAt, now)}</time><br>${firstResponseNote(request, row, goalHours, now)}</td>
</tr>`;
}

/** What the inbox page shows: one page of conversations with the counts, the filters' choices and the saved views. */
export interface InboxPageData {
  query: FilterQuery;
  page: ConversationRow[];
  next: ListCursor | undefined;
  counts: StatusCounts;
  goalHours: number;
  channels: Array<{ id: number; name: string }>;
  departments: Array<{ id: number; name: Translated }>;
  people: Array<{ id: number; name: string }>;
  views: Array<{ id: number; name: string; query: FilterQuery }>;
  labels: Labels & { topics: Array<{ key: string; name: string }>; districts: District[] };
}

/** The inbox: counts by status, saved views, the filters, and one page of conversations. */
export function inboxView(request: FastifyRequest, reply: FastifyReply, data: InboxPageData): FastifyReply {
  const { t, organisation } = request;
  const { query, page, next, counts, goalHours, channels, departments, people, views, labels } = data;
  const now = new Date();
  const any = { value: '', label: t('inbox.filter.any') };
  const name = (value: Record<string, string>) => localized(value, request.lang, organisation.defaultLanguage);
  const number = new Intl.NumberFormat(request.lang);
  // A status with more than the cap shows "1,000+", and so does the total it is part of.
  const shown = (n: number, over: boolean) => `${number.format(n)}${over ? '+' : ''}`;
  const total = shown(
    Object.values(counts.counts).reduce((sum, n) => sum + n, 0),
    counts.over.length > 0,
  );
  const title = t('inbox.title');
  const main = html`<h1>${title}</h1>
<nav aria-label="${t('inbox.counts')}"><ul class="inbox-counts">
  <li><a href="/staff/inbox${search({ ...query, status: '' })}"${query.status === '' ? raw(' aria-current="true"') : ''}>${t('inbox.filter.all')} (${total})</a></li>
  ${CONVERSATION_STATUSES.map((status) => html`<li><a href="/staff/inbox${search({ ...query, status })}"${query.status === status ? raw(' aria-current="true"') : ''}>${labels.status(status)} (<span data-count="${status}">${shown(counts.counts[status], counts.over.includes(status))}</span>)</a></li>`)}
</ul></nav>
${
  views.length
    ? html`<section aria-labelledby="views-title"><h2 id="views-title">${t('inbox.views.title')}</h2><ul class="inbox-views">${views.map(
        (view) => html`<li><a href="/staff/inbox${search(view.query)}">${view.name}</a>
  <form method="post" action="/staff/inbox/views/${view.id}/delete" class="inline-form">${csrfField(request)}<button type="submit" class="link-button">${t('inbox.views.delete')}<span class="visually-hidden"> ${view.name}</span></button></form></li>`,
      )}</ul></section>`
    : ''
}
<form method="get" action="/staff/inbox" class="staff-filters" aria-labelledby="filters-title">
  <h2 id="filters-title" class="visually-hidden">${t('inbox.filter.title')}</h2>
  ${selectInput({ name: 'status', label: t('inbox.filter.status'), value: query.status, choices: [any, ...CONVERSATION_STATUSES.map((s) => ({ value: s, label: labels.status(s) }))] })}
  ${selectInput({ name: 'channel', label: t('inbox.filter.channel'), value: query.channel, choices: [any, ...channels.map((c) => ({ value: String(c.id), label: c.name }))] })}
  ${selectInput({ name: 'language', label: t('inbox.filter.language'), value: query.language, choices: [any, ...organisation.languages.filter(isLanguage).map((code) => ({ value: code, label: LANGUAGES[code].name }))] })}
  ${selectInput({ name: 'sentiment', label: t('inbox.filter.sentiment'), value: query.sentiment, choices: [any, ...SENTIMENTS.map((s) => ({ value: s, label: labels.sentiment(s) }))] })}
  ${selectInput({ name: 'topic', label: t('inbox.filter.topic'), value: query.topic, choices: [any, ...labels.topics.map((topic) => ({ value: topic.key, label: topic.name }))] })}
  ${selectInput({ name: 'district', label: t('inbox.filter.district'), value: query.district, choices: [any, ...labels.districts.filter((d) => d.kind === 'district').map((d) => ({ value: String(d.id), label: name(d.name) }))] })}
  ${selectInput({ name: 'assignee', label: t('inbox.filter.assignee'), value: query.assignee, choices: [any, { value: 'me', label: t('inbox.filter.me') }, { value: 'none', label: t('inbox.filter.nobody') }, ...people.map((p) => ({ value: String(p.id), label: p.name }))] })}
  ${selectInput({ name: 'department', label: t('inbox.filter.department'), value: query.department, choices: [any, { value: 'none', label: t('inbox.filter.nobody') }, ...departments.map((d) => ({ value: String(d.id), label: name(d.name) }))] })}
  ${selectInput({ name: 'delivery', label: t('inbox.filter.delivery'), value: query.delivery, choices: [any, { value: 'failed', label: t('inbox.filter.deliveryFailed') }] })}
  ${inputField({ name: 'from', type: 'date', label: t('inbox.filter.from'), value: query.from })}
  ${inputField({ name: 'to', type: 'date', label: t('inbox.filter.to'), value: query.to })}
  ${inputField({ name: 'q', label: t('inbox.filter.text'), value: query.q, maxlength: 200 })}
  <div><button type="submit" class="button">${t('inbox.filter.apply')}</button> <a href="/staff/inbox">${t('inbox.filter.reset')}</a></div>
</form>
<form method="post" action="/staff/inbox/views" class="inbox-save-view">
  ${csrfField(request)}
  ${FILTER_FIELDS.map((field) => (query[field] ? html`<input type="hidden" name="${field}" value="${query[field]}">` : ''))}
  ${inputField({ name: 'name', id: 'view-name', label: t('inbox.views.name'), value: '', maxlength: 80, required: true })}
  <button type="submit" class="button button--secondary">${t('inbox.views.save')}</button>
</form>
<p role="status">${t('inbox.goal', { count: goalHours })}</p>
${
  page.length === 0
    ? html`<p>${t('inbox.empty')}</p>`
    : html`<div class="table-wrap"><table class="data-table">
<caption class="visually-hidden">${title}</caption>
<thead><tr><th scope="col">${t('inbox.col.channel')}</th><th scope="col">${t('inbox.col.author')}</th><th scope="col">${t('inbox.col.message')}</th><th scope="col">${t('inbox.filter.language')}</th><th scope="col">${t('inbox.filter.sentiment')}</th><th scope="col">${t('inbox.filter.topic')}</th><th scope="col">${t('inbox.filter.district')}</th><th scope="col">${t('inbox.filter.status')}</th><th scope="col">${t('inbox.col.assigned')}</th><th scope="col">${t('inbox.col.age')}</th></tr></thead>
<tbody>${page.map((row) => conversationRow(request, row, labels, goalHours, now))}</tbody>
</table></div>`
}
${next ? html`<nav class="pagination" aria-label="${t('inbox.pagination')}"><a href="/staff/inbox${search(query, { after: `${next.micros}_${next.id}` })}" rel="next">${t('inbox.next')}</a></nav>` : ''}`;
  return renderInboxPage(request, reply, { title, main });
}
