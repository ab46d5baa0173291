import type { FastifyRequest } from 'fastify';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { isLanguage, LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, formatDate, setNotice } from '../../../platform/web/layout.ts';
import { findDistricts, type District } from '../../places/index.ts';
import { invalidForm, readForm, validFields } from '../../../platform/web/forms.ts';
import { InboxQuery, SavedViewForm } from '../inbox.forms.ts';
import { findChannels } from '../channels.repository.ts';
import { removeView, saveView } from '../conversations.use-cases.ts';
import {
  countByStatus,
  findConversations,
  findFirstResponseGoal,
  type ConversationFilters,
  type ConversationRow,
  type ListCursor,
} from '../conversations.repository.ts';
import { findActiveDepartments, findAssignablePeople } from '../assignment.repository.ts';
import { findSavedViews } from '../saved-views.repository.ts';
import { findTopics } from '../labels.repository.ts';
import { CONVERSATION_STATUSES, SENTIMENTS, type ConversationStatus, type Sentiment } from '../inbox.schema.ts';
import {
  channelLabel,
  firstLine,
  hoursBetween,
  idFrom,
  inboxViewer,
  inputField,
  paramId,
  renderInboxPage,
  selectInput,
} from './shared.ts';

export const PAGE_SIZE = 50;
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
  'from',
  'to',
  'q',
] as const;
type FilterQuery = Record<(typeof FILTER_FIELDS)[number], string>;

/** The filters as typed in the address (kept as text to show them again and to save them in a view). */
export function filterQuery(source: unknown): FilterQuery {
  // a saved view's stored filters are read the same way; a value that is not text is left out
  const fields = validFields(readForm(InboxQuery, source));
  return Object.fromEntries(FILTER_FIELDS.map((name) => [name, (fields[name] ?? '').slice(0, 200)])) as FilterQuery;
}

function dateOf(text: string, addDays = 0): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? undefined : new Date(date.getTime() + addDays * 86_400_000);
}

/** What the repository filters on; unknown values are ignored rather than refused. */
export function toFilters(query: FilterQuery, viewer: Viewer): ConversationFilters {
  const numberOrNone = (text: string): number | 'none' | undefined => (text === 'none' ? 'none' : idFrom(text));
  return {
    status: (CONVERSATION_STATUSES as readonly string[]).includes(query.status)
      ? (query.status as ConversationStatus)
      : undefined,
    channelId: idFrom(query.channel),
    language: isLanguage(query.language) ? query.language : undefined,
    sentiment: (SENTIMENTS as readonly string[]).includes(query.sentiment) ? (query.sentiment as Sentiment) : undefined,
    topic: /^[a-z][a-z0-9_-]{0,39}$/.test(query.topic) ? query.topic : undefined,
    districtId: idFrom(query.district),
    assignee: query.assignee === 'me' ? viewer.id : numberOrNone(query.assignee),
    departmentId: numberOrNone(query.department),
    from: dateOf(query.from),
    to: dateOf(query.to, 1),
    text: query.q || undefined,
  };
}

function search(query: Partial<FilterQuery>, extra: Record<string, string> = {}): string {
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries({ ...query, ...extra })) if (value) entries.push([name, value]);
  const params = new URLSearchParams(entries);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseCursor(text: string): ListCursor | undefined {
  const match = /^(\d{1,20})_(\d{1,12})$/.exec(text);
  return match ? { micros: match[1] as string, id: Number(match[2]) } : undefined;
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

export async function labelsFor(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<Labels & { topics: Array<{ key: string; name: string }>; districts: District[] }> {
  const { organisation } = request;
  const [topics, districts] = await Promise.all([
    findTopics(ctx.db, organisation.id),
    findDistricts(ctx.db, organisation.id),
  ]);
  const text = (value: Record<string, string>) => localized(value, request.lang, organisation.defaultLanguage);
  const topicNames = topics.map((topic) => ({ key: topic.key, name: text(topic.names) || topic.key }));
  return {
    topics: topicNames,
    districts,
    language: (code) => (code === null ? '—' : isLanguage(code) ? LANGUAGES[code].name : code),
    sentiment: (value) => (value === null ? '—' : request.t(`inbox.sentiment.${value}` as MessageKey)),
    topic: (key) => (key === null ? '—' : (topicNames.find((t) => t.key === key)?.name ?? key)),
    district: (id) => (id === null ? '—' : text(districts.find((d) => d.id === id)?.name ?? {}) || '—'),
    status: (value) => request.t(`inbox.status.${value}` as MessageKey),
  };
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
  <td>${labels.status(row.status)}</td>
  <td>${assigned || '—'}</td>
  <td><time datetime="${row.lastMessageAt.toISOString()}" title="${formatDate(request, row.lastMessageAt, true)}">${age(request, row.lastMessageAt, now)}</time><br>${firstResponseNote(request, row, goalHours, now)}</td>
</tr>`;
}

/** The inbox: every conversation of the city, filtered, newest activity first, with saved views. */
export function registerInboxPages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox', { schema: { hide: true } }, async (request, reply) => {
    const viewer = inboxViewer(request, 'read');
    const { t, organisation } = request;
    const query = filterQuery(request.query);
    const filters = toFilters(query, viewer);
    const cursor = parseCursor(validFields(readForm(InboxQuery, request.query)).after ?? '');
    const [rows, counts, goalHours, channels, departments, people, views, labels] = await Promise.all([
      findConversations(ctx.db, organisation.id, filters, cursor, PAGE_SIZE + 1),
      countByStatus(ctx.db, organisation.id, filters),
      findFirstResponseGoal(ctx.db, organisation.id),
      findChannels(ctx.db, organisation.id, ctx.config.secretKey),
      findActiveDepartments(ctx.db, organisation.id),
      findAssignablePeople(ctx.db, organisation.id),
      findSavedViews(ctx.db, organisation.id, viewer.id),
      labelsFor(ctx, request),
    ]);
    const page = rows.slice(0, PAGE_SIZE);
    const next = rows.length > PAGE_SIZE ? page.at(-1)?.cursor : undefined;
    const now = new Date();
    const any = { value: '', label: t('inbox.filter.any') };
    const name = (value: Record<string, string>) => localized(value, request.lang, organisation.defaultLanguage);
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const title = t('inbox.title');
    const main = html`<h1>${title}</h1>
<nav aria-label="${t('inbox.counts')}"><ul class="inbox-counts">
  <li><a href="/staff/inbox${search({ ...query, status: '' })}"${query.status === '' ? raw(' aria-current="true"') : ''}>${t('inbox.filter.all')} (${total})</a></li>
  ${CONVERSATION_STATUSES.map((status) => html`<li><a href="/staff/inbox${search({ ...query, status })}"${query.status === status ? raw(' aria-current="true"') : ''}>${labels.status(status)} (<span data-count="${status}">${counts[status]}</span>)</a></li>`)}
</ul></nav>
${
  views.length
    ? html`<section aria-labelledby="views-title"><h2 id="views-title">${t('inbox.views.title')}</h2><ul class="inbox-views">${views.map(
        (view) => html`<li><a href="/staff/inbox${search(filterQuery(view.filters))}">${view.name}</a>
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
  });

  app.post('/staff/inbox/views', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(SavedViewForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const query = filterQuery(form.value);
    const filters = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
    await saveView(ctx, request.viewer, form.value.name, filters);
    setNotice(reply, 'inbox.views.saved');
    return reply.redirect(`/staff/inbox${search(query)}`, 303);
  });

  app.post('/staff/inbox/views/:viewId/delete', { schema: { hide: true } }, async (request, reply) => {
    const viewId = paramId(request, 'viewId');
    if (!request.viewer) throw new AppError('AUTHENTICATION_REQUIRED');
    await removeView(ctx, request.viewer, viewId);
    setNotice(reply, 'inbox.views.deleted');
    return reply.redirect('/staff/inbox', 303);
  });
}
