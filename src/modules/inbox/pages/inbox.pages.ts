import type { FastifyRequest } from 'fastify';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { isStorableIsoDate } from '../../../platform/validation.ts';
import type { App } from '../../../platform/http/app.ts';
import { isLanguage, LANGUAGES } from '../../../platform/i18n/languages.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { findDistricts, type District } from '../../places/index.ts';
import { invalidForm, readForm, validFields } from '../../../platform/web/forms.ts';
import { InboxQuery, SavedViewForm } from '../inbox.forms.ts';
import { findChannels } from '../channels.repository.ts';
import { removeView, saveView } from '../conversations.use-cases.ts';
import {
  countByStatus,
  findConversations,
  findFirstResponseGoal,
  findSearchMatches,
  type ConversationFilters,
  type ListCursor,
} from '../conversations.repository.ts';
import { findActiveDepartments, findAssignablePeople } from '../assignment.repository.ts';
import { findSavedViews } from '../saved-views.repository.ts';
import { countUnread } from '../team.repository.ts';
import { findTopics } from '../labels.repository.ts';
import { CONVERSATION_STATUSES, SENTIMENTS, type ConversationStatus, type Sentiment } from '../inbox.schema.ts';
import { idFrom, inboxViewer, paramId } from './shared.ts';
import { FILTER_FIELDS, inboxView, search, type FilterQuery, type Labels } from './inbox.view.ts';

export const PAGE_SIZE = 50;
/** The filters as typed in the address (kept as text to show them again and to save them in a view). */
export function filterQuery(source: unknown): FilterQuery {
  // a saved view's stored filters are read the same way; a value that is not text is left out
  const fields = validFields(readForm(InboxQuery, source));
  return Object.fromEntries(FILTER_FIELDS.map((name) => [name, (fields[name] ?? '').slice(0, 200)])) as FilterQuery;
}

function dateOf(text: string, addDays = 0): Date | undefined {
  if (!isStorableIsoDate(text)) return undefined;
  return new Date(new Date(`${text}T00:00:00Z`).getTime() + addDays * 86_400_000);
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
    deliveryFailed: query.delivery === 'failed' || undefined,
  };
}

function parseCursor(text: string): ListCursor | undefined {
  const match = /^(\d{1,20})_(\d{1,12})$/.exec(text);
  return match ? { micros: match[1] as string, id: Number(match[2]) } : undefined;
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

/** The inbox: every conversation of the city, filtered, newest activity first, with saved views. */
export function registerInboxPages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox', { schema: { hide: true } }, async (request, reply) => {
    const viewer = inboxViewer(request, 'read');
    const { organisation } = request;
    const query = filterQuery(request.query);
    const filters = toFilters(query, viewer);
    const cursor = parseCursor(validFields(readForm(InboxQuery, request.query)).after ?? '');
    // A search is looked up once, for the page and the counts alike.
    const found = filters.text
      ? await findSearchMatches(ctx.db, organisation.id, { ...filters, text: filters.text })
      : undefined;
    const [rows, counts, goalHours, channels, departments, people, views, labels, unread] = await Promise.all([
      findConversations(ctx.db, organisation.id, filters, cursor, PAGE_SIZE + 1, found),
      countByStatus(ctx.db, organisation.id, filters, found),
      findFirstResponseGoal(ctx.db, organisation.id),
      findChannels(ctx.db, organisation.id, ctx.config.secretKey),
      findActiveDepartments(ctx.db, organisation.id),
      findAssignablePeople(ctx.db, organisation.id),
      findSavedViews(ctx.db, organisation.id, viewer.id),
      labelsFor(ctx, request),
      countUnread(ctx.db, organisation.id, viewer.id),
    ]);
    const page = rows.slice(0, PAGE_SIZE);
    const next = rows.length > PAGE_SIZE ? page.at(-1)?.cursor : undefined;
    return inboxView(request, reply, {
      query,
      page,
      next,
      counts,
      goalHours,
      channels,
      departments,
      people,
      views: views.map((view) => ({ id: view.id, name: view.name, query: filterQuery(view.filters) })),
      labels,
      unread,
    });
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
