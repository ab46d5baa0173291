import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { dayIn, nextDay, startOfDay, zonedTime } from '../../../platform/i18n/days.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { isStorableIsoDate, requireId } from '../../../platform/validation.ts';
import { invalidForm, readForm, translatedValue } from '../../../platform/web/forms.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { BlackoutForm, MovePostForm } from '../calendar.forms.ts';
import { mayUseCalendar } from '../calendar.policy.ts';
import { addBlackout, listBlackouts, loadCalendar, movePost, removeBlackout } from '../calendar.use-cases.ts';
import { findPostSchedule } from '../calendar.repository.ts';
import { findFeedSubjects } from '../news.repository.ts';
import { blackoutsView } from './calendar-blackouts.view.ts';
import { calendarLayout, calendarView, type CalendarQuery, type MoveProblem } from './calendar.view.ts';

const VIEWS = new Set(['month', 'week', 'agenda']);

/**
 * How much each view reads: the month and week grids show the first posts of a day and link the rest to
 * the day's agenda; the agenda shows whole days until this many posts, then links to the following days.
 */
export const CALENDAR_LIMITS = {
  month: { perDay: 4 },
  week: { perDay: 12 },
  agenda: { total: 100 },
} as const;
const SLUG = /^[a-z0-9][a-z0-9_-]{0,99}$/i;

/** Reads the calendar's query string; anything it cannot be refuses with PUBLISHING_CALENDAR_INVALID. */
function readQuery(query: Record<string, unknown>, timeZone: string): CalendarQuery {
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new AppError('PUBLISHING_CALENDAR_INVALID');
    return value;
  };
  const view = text('view') ?? 'month';
  const date = text('date') ?? dayIn(new Date(), timeZone);
  if (!VIEWS.has(view) || !/^\d{4}-\d{2}-\d{2}$/.test(date) || !isStorableIsoDate(date) || date < '1000-01-01')
    throw new AppError('PUBLISHING_CALENDAR_INVALID');
  const result: CalendarQuery = { view: view as CalendarQuery['view'], date };
  for (const key of ['department', 'campaign', 'channel'] as const) {
    const value = text(key);
    if (value !== undefined && !SLUG.test(value)) throw new AppError('PUBLISHING_CALENDAR_INVALID');
    result[key] = value;
  }
  return result;
}

async function showCalendar(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  query: CalendarQuery,
  problem?: MoveProblem,
): Promise<FastifyReply> {
  const { organisation } = request;
  const layout = calendarLayout(query);
  const first = layout.days[0] ?? query.date;
  const last = layout.days.at(-1) ?? query.date;
  const range = {
    from: startOfDay(first, organisation.timeZone),
    to: startOfDay(nextDay(last), organisation.timeZone),
  };
  // the filters name departments and campaigns by slug; an unknown one is refused, not ignored
  const subjects = query.department || query.campaign ? await findFeedSubjects(ctx.db, organisation.id) : undefined;
  const department = query.department ? subjects?.departments.find((d) => d.slug === query.department) : undefined;
  const campaign = query.campaign ? subjects?.campaigns.find((c) => c.slug === query.campaign) : undefined;
  if ((query.department && !department) || (query.campaign && !campaign))
    throw new AppError('PUBLISHING_CALENDAR_INVALID');
  const data = await loadCalendar(
    ctx,
    request.viewer,
    organisation,
    range,
    { departmentId: department?.id, campaignId: campaign?.id, channel: query.channel },
    request.lang,
    CALENDAR_LIMITS[query.view],
  );
  const labels = new Map<string, MessageKey>(ctx.registry.publishingAdapters.map((a) => [a.kind, a.label]));
  return calendarView(request, reply, data, query, labels, problem);
}

/** The calendar's own address to go back to after a move (only /staff/publishing/calendar?…). */
function backQuery(request: FastifyRequest, back: string | undefined): CalendarQuery {
  if (back?.startsWith('/staff/publishing/calendar?')) {
    const params = Object.fromEntries(new URLSearchParams(back.slice(back.indexOf('?') + 1)));
    try {
      return readQuery(params, request.organisation.timeZone);
    } catch {
      // an altered address: the agenda of the post's new day below
    }
  }
  return { view: 'agenda', date: dayIn(new Date(), request.organisation.timeZone) };
}

const MOVE_MESSAGES: Record<string, MessageKey> = {
  PUBLISHING_BLACKOUT: 'publishing.calendar.error.PUBLISHING_BLACKOUT',
  PUBLISHING_CALENDAR_MOVE_INVALID: 'publishing.calendar.error.PUBLISHING_CALENDAR_MOVE_INVALID',
  PUBLISHING_CALENDAR_MOVE_IN_PAST: 'publishing.calendar.error.PUBLISHING_CALENDAR_MOVE_IN_PAST',
  PUBLISHING_CALENDAR_NOT_MOVABLE: 'publishing.calendar.error.PUBLISHING_CALENDAR_NOT_MOVABLE',
};

async function blackoutsPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  state?: Parameters<typeof blackoutsView>[4],
): Promise<FastifyReply> {
  const blackouts = await listBlackouts(ctx, request.viewer, request.organisation);
  return blackoutsView(request, reply, blackouts, mayUseCalendar(request.viewer, 'blackouts'), state);
}

/**
 * The editorial calendar (/staff/publishing/calendar: month, week, agenda; filters; moving a post with a
 * date and time field) and its blackout periods (/staff/publishing/blackouts). Staff only; blackouts are
 * managed by administrators.
 */
export function registerCalendarPages(app: App, ctx: AppContext): void {
  app.get('/staff/publishing/calendar', { schema: { hide: true } }, async (request, reply) =>
    showCalendar(
      ctx,
      request,
      reply,
      readQuery(request.query as Record<string, unknown>, request.organisation.timeZone),
    ),
  );

  app.post('/staff/publishing/calendar/posts/:postId/move', { schema: { hide: true } }, async (request, reply) => {
    const postId = requireId((request.params as Record<string, unknown>).postId, 'PUBLISHING_CALENDAR_POST_NOT_FOUND');
    const form = readForm(MovePostForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const query = backQuery(request, form.value.back);
    const [day = '', time = ''] = form.value.at.split('T');
    const at = zonedTime(day, time, request.organisation.timeZone);
    try {
      await movePost(ctx, request.viewer, request.organisation, postId, at);
    } catch (error) {
      const key = error instanceof AppError ? MOVE_MESSAGES[error.code] : undefined;
      if (!key || !(error instanceof AppError)) throw error;
      reply.header('x-error-code', error.code);
      // the agenda from the post's current day, where its field is, with the filters it came with
      const current = await findPostSchedule(ctx.db, request.organisation.id, postId);
      const date = current?.scheduledAt ? dayIn(current.scheduledAt, request.organisation.timeZone) : query.date;
      return showCalendar(
        ctx,
        request,
        reply,
        { ...query, view: 'agenda', date },
        { postId, message: request.t(key), value: form.value.at },
      );
    }
    setNotice(reply, 'publishing.calendar.move.done');
    return reply.redirect(
      `/staff/publishing/calendar?${new URLSearchParams({
        view: query.view,
        date: query.view === 'agenda' ? day : query.date,
        ...(query.department ? { department: query.department } : {}),
        ...(query.campaign ? { campaign: query.campaign } : {}),
        ...(query.channel ? { channel: query.channel } : {}),
      }).toString()}#post-${postId}`,
      303,
    );
  });

  app.get('/staff/publishing/blackouts', { schema: { hide: true } }, async (request, reply) =>
    blackoutsPage(ctx, request, reply),
  );

  app.post('/staff/publishing/blackouts', { schema: { hide: true } }, async (request, reply) => {
    const { languages } = request.organisation;
    const form = readForm(BlackoutForm(languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const draft = {
      firstDay: form.value.firstDay,
      lastDay: form.value.lastDay,
      reason: translatedValue(form.value, 'reason', languages),
    };
    try {
      await addBlackout(ctx, request.viewer, request.organisation, draft);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'PUBLISHING_BLACKOUT_INVALID') throw error;
      reply.header('x-error-code', error.code);
      const message = request.t('publishing.calendar.error.PUBLISHING_BLACKOUT_INVALID');
      return blackoutsPage(ctx, request, reply, { errors: { firstDay: message }, draft, status: 400 });
    }
    setNotice(reply, 'publishing.calendar.blackouts.added');
    return reply.redirect('/staff/publishing/blackouts', 303);
  });

  app.post('/staff/publishing/blackouts/:blackoutId/delete', { schema: { hide: true } }, async (request, reply) => {
    const id = requireId((request.params as Record<string, unknown>).blackoutId, 'PUBLISHING_BLACKOUT_NOT_FOUND');
    await removeBlackout(ctx, request.viewer, request.organisation, id);
    setNotice(reply, 'publishing.calendar.blackouts.removed');
    return reply.redirect('/staff/publishing/blackouts', 303);
  });
}
