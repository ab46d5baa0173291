import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { endOfLastDay, startOfDay } from '../../platform/i18n/days.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { isStorableDate } from '../../platform/validation.ts';
import {
  deleteBlackout,
  findBlackoutAt,
  findBlackouts,
  findCalendarPosts,
  findDestinationKinds,
  findPostSchedule,
  insertBlackout,
  moveSchedule,
  MOVABLE_STATES,
  type Blackout,
  type CalendarFilter,
  type CalendarLimits,
  type CalendarPost,
} from './calendar.repository.ts';
import { authorizeCalendar, mayMoveDepartmentPost } from './calendar.policy.ts';
import { findFeedSubjects } from './news.repository.ts';

export type BlackoutCheck =
  | { ok: true }
  | {
      ok: false;
      code: 'PUBLISHING_BLACKOUT';
      blackout: { id: number; startsAt: Date; endsAt: Date; reason: Translated };
    };

/**
 * Whether a post may be scheduled at `at` in a city: refused with PUBLISHING_BLACKOUT inside a blackout
 * period (elections, mourning). For pub-core's scheduling (the post editor, approval, the publishing job)
 * to call before it sets or keeps a schedule; the calendar's move checks it in the same statement too.
 */
export async function checkBlackout(ctx: AppContext, organisationId: number, at: Date): Promise<BlackoutCheck> {
  const blackout = await findBlackoutAt(ctx.db, organisationId, at);
  return blackout ? { ok: false, code: 'PUBLISHING_BLACKOUT', blackout } : { ok: true };
}

export interface CalendarData {
  /** The posts shown: at most `limits.perDay` a day, or whole days up to `limits.total`. */
  posts: CalendarPost[];
  /** Posts on each day, shown or not (YYYY-MM-DD in the city's time zone). */
  perDay: Map<string, number>;
  /** Posts in the whole period. */
  total: number;
  blackouts: Blackout[];
  departments: Array<{ id: number; slug: string; name: Translated }>;
  campaigns: Array<{ id: number; slug: string; name: Translated }>;
  channels: string[];
}

/**
 * What the calendar shows between two instants, with the lists its filters choose from. Staff only. A busy
 * month is read within `limits` (a few posts a day, the others counted), so its cost does not grow with it.
 */
export async function loadCalendar(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  range: { from: Date; to: Date },
  filter: CalendarFilter,
  language: string,
  limits: Omit<CalendarLimits, 'timeZone'> = {},
): Promise<CalendarData> {
  authorizeCalendar(viewer, 'read');
  const [found, blackouts, subjects, channels] = await Promise.all([
    findCalendarPosts(
      ctx.db,
      organisation.id,
      range,
      filter,
      { language, fallback: organisation.defaultLanguage },
      { ...limits, timeZone: organisation.timeZone },
    ),
    findBlackouts(ctx.db, organisation.id, range),
    findFeedSubjects(ctx.db, organisation.id),
    findDestinationKinds(ctx.db, organisation.id),
  ]);
  return {
    posts: found.posts,
    perDay: found.perDay,
    total: found.total,
    blackouts,
    departments: subjects.departments,
    campaigns: subjects.campaigns,
    channels,
  };
}

/**
 * Moves a post's schedule to `at`: staff, a post of their department (or of none), not published, being
 * published or withdrawn, not into the past, not into a blackout period. Audited.
 */
export async function movePost(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  postId: number,
  at: Date,
  now = new Date(),
): Promise<void> {
  authorizeCalendar(viewer, 'move');
  if (Number.isNaN(at.getTime()) || !isStorableDate(at)) throw new AppError('PUBLISHING_CALENDAR_MOVE_INVALID');
  const post = await findPostSchedule(ctx.db, organisation.id, postId);
  if (!post) throw new AppError('PUBLISHING_CALENDAR_POST_NOT_FOUND');
  if (!mayMoveDepartmentPost(viewer, post.departmentId)) throw new AppError('FORBIDDEN');
  if (!MOVABLE_STATES.includes(post.state)) throw new AppError('PUBLISHING_CALENDAR_NOT_MOVABLE');
  if (at.getTime() <= now.getTime()) throw new AppError('PUBLISHING_CALENDAR_MOVE_IN_PAST');
  const blackout = await checkBlackout(ctx, organisation.id, at);
  if (!blackout.ok) throw new AppError('PUBLISHING_BLACKOUT', undefined, { blackoutId: blackout.blackout.id });
  await ctx.db.transaction().execute(async (tx) => {
    if (!(await moveSchedule(tx, organisation.id, postId, at))) {
      // a blackout added or a publish started since the checks above
      const again = await checkBlackout({ ...ctx, db: tx }, organisation.id, at);
      throw new AppError(again.ok ? 'PUBLISHING_CALENDAR_NOT_MOVABLE' : 'PUBLISHING_BLACKOUT');
    }
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'publishing.post.moved',
      subjectType: 'publishing_post',
      subjectId: postId,
      before: { scheduledAt: post.scheduledAt },
      after: { scheduledAt: at },
    });
  });
}

/** The blackout periods from today on (and those still running). */
export async function listBlackouts(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  now = new Date(),
): Promise<Blackout[]> {
  authorizeCalendar(viewer, 'read');
  return findBlackouts(ctx.db, organisation.id, { from: now });
}

/**
 * Adds a blackout period from its first to its last day (inclusive, in the city's time zone) with its
 * reason in the city's languages (at least one). Administrators only; audited.
 */
export async function addBlackout(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: { firstDay: string; lastDay: string; reason: Translated },
): Promise<number> {
  authorizeCalendar(viewer, 'blackouts');
  const startsAt = startOfDay(input.firstDay, organisation.timeZone);
  const endsAt = endOfLastDay(input.lastDay, organisation.timeZone);
  const reason = Object.fromEntries(
    Object.entries(input.reason)
      .map(([language, text]) => [language, text.trim()] as const)
      .filter(([language, text]) => text && organisation.languages.includes(language)),
  );
  if (
    Number.isNaN(startsAt.getTime()) ||
    Number.isNaN(endsAt.getTime()) ||
    !isStorableDate(startsAt) ||
    !isStorableDate(endsAt) ||
    endsAt <= startsAt ||
    Object.keys(reason).length === 0 ||
    Object.values(reason).some((text) => text.length > 500)
  )
    throw new AppError('PUBLISHING_BLACKOUT_INVALID');
  return ctx.db.transaction().execute(async (tx) => {
    const id = await insertBlackout(tx, {
      organisationId: organisation.id,
      startsAt,
      endsAt,
      reason,
      createdBy: viewer.id,
    });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'publishing.blackout.added',
      subjectType: 'publishing_blackout',
      subjectId: id,
      after: { startsAt, endsAt, reason },
    });
    return id;
  });
}

export async function removeBlackout(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<void> {
  authorizeCalendar(viewer, 'blackouts');
  await ctx.db.transaction().execute(async (tx) => {
    const removed = await deleteBlackout(tx, organisation.id, id);
    if (!removed) throw new AppError('PUBLISHING_BLACKOUT_NOT_FOUND');
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'publishing.blackout.removed',
      subjectType: 'publishing_blackout',
      subjectId: id,
      before: removed,
    });
  });
}
