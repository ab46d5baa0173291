import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import { isLanguage, LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField } from '../../../platform/web/layout.ts';
import type { District } from '../../places/index.ts';
import type { ConversationRow, ListCursor, StatusCounts } from '../conversations.repository.ts';
import { CONVERSATION_STATUSES, SENTIMENTS } from '../inbox.schema.ts';
import { inputField, renderInboxPage, selectInput } from './shared.ts';
import { conversationTable, type Labels } from './list.view.ts';

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

export { age, firstResponseNote, type Labels } from './list.view.ts';

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
  unread?: number;
}

/** The inbox: counts by status, saved views, the filters, and one page of conversations. */
export function inboxView(request: FastifyRequest, reply: FastifyReply, data: InboxPageData): FastifyReply {
  const { t, organisation } = request;
  const { query, page, next, counts, goalHours, channels, departments, people, views, labels } = data;
  const select = false;
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
  const active = FILTER_FIELDS.filter((field) => field !== 'status' && field !== 'q' && query[field] !== '').length;
  const main = html`<div class="inbox-head"><h1>${title}</h1>
<nav aria-label="${t('inbox.counts')}"><ul class="inbox-counts">
  <li><a href="/staff/inbox${search({ ...query, status: '' })}"${query.status === '' ? raw(' aria-current="true"') : ''}>${t('inbox.filter.all')} (${total})</a></li>
  ${CONVERSATION_STATUSES.map((status) => html`<li><a href="/staff/inbox${search({ ...query, status })}"${query.status === status ? raw(' aria-current="true"') : ''}>${labels.status(status)} (<span data-count="${status}">${shown(counts.counts[status], counts.over.includes(status))}</span>)</a></li>`)}
</ul></nav>
<form method="get" action="/staff/inbox" class="inbox-search" role="search">
  ${FILTER_FIELDS.map((field) => (field !== 'q' && query[field] ? html`<input type="hidden" name="${field}" value="${query[field]}">` : ''))}
  <label for="inbox-q" class="visually-hidden">${t('inbox.filter.text')}</label>
  <input id="inbox-q" name="q" type="search" value="${query.q}" maxlength="200" placeholder="${t('inbox.filter.text')}">
  <button type="submit" class="button button--small">${t('inbox.search.submit')}</button>
</form></div>
${
  views.length
    ? html`<nav class="inbox-views-bar" aria-label="${t('inbox.views.title')}"><span class="muted">${t('inbox.views.title')}:</span> <ul class="inbox-views">${views.map(
        (view) => html`<li><a href="/staff/inbox${search(view.query)}">${view.name}</a></li>`,
      )}</ul></nav>`
    : ''
}
<details class="inbox-filters"${raw('')}>
  <summary>${active ? t('inbox.filter.summaryActive', { n: active }) : t('inbox.filter.title')}</summary>
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
${
  views.length
    ? html`<h2 class="inbox-small-title">${t('inbox.views.manage')}</h2><ul class="inbox-views">${views.map(
        (view) => html`<li>${view.name}
  <form method="post" action="/staff/inbox/views/${view.id}/delete" class="inline-form">${csrfField(request)}<button type="submit" class="link-button">${t('inbox.views.delete')}<span class="visually-hidden"> ${view.name}</span></button></form></li>`,
      )}</ul>`
    : ''
}
<p>${t('inbox.goal', { count: goalHours })}</p>
</details>
${page.length === 0 ? html`<p>${t('inbox.empty')}</p>` : conversationTable(request, page, labels, goalHours, select)}
${next ? html`<nav class="pagination" aria-label="${t('inbox.pagination')}"><a href="/staff/inbox${search(query, { after: `${next.micros}_${next.id}` })}" rel="next">${t('inbox.next')}</a></nav>` : ''}`;
  return renderInboxPage(request, reply, { title, main, unread: data.unread ?? 0 });
}
