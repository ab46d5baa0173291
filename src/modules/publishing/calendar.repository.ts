import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { dayIn, nextDay, startOfDay } from '../../platform/i18n/days.ts';
import type { PostState } from './publishing.schema.ts';
import './publishing.schema.ts';
import './news.schema.ts';

/** A post on the editorial calendar: planned (a schedule) or published (its date). */
export interface CalendarPost {
  id: number;
  slug: string;
  state: PostState;
  kind: string;
  at: Date;
  departmentId: number | null;
  campaignId: number | null;
  title: string;
  titleLanguage: string;
  /** Destination kinds it goes to (web, mastodon, telegram…). */
  channels: string[];
}

export interface CalendarFilter {
  departmentId?: number | undefined;
  campaignId?: number | undefined;
  channel?: string | undefined;
}

export interface Blackout {
  id: number;
  startsAt: Date;
  endsAt: Date;
  reason: Translated;
}

/** How much of a period the calendar reads: a cap per day (month, week) or whole days up to a total (agenda). */
export interface CalendarLimits {
  /** The city's time zone, in which posts fall on days. */
  timeZone: string;
  /** At most this many posts per day (the earliest); the others are only counted. */
  perDay?: number | undefined;
  /** Whole days from the start until this many posts are reached (a day is never cut). */
  total?: number | undefined;
}

export interface CalendarPosts {
  /** The posts shown, in date order. */
  posts: CalendarPost[];
  /** The number of posts on each day that has any (YYYY-MM-DD in the city's time zone), shown or not. */
  perDay: Map<string, number>;
  /** The number of posts in the whole period. */
  total: number;
}

/**
 * The posts dated in [from, to): published ones at their publication, the others at their schedule; each
 * with a title in `language` (else the city's, else any) and the kinds of its destinations. One statement:
 * the period's posts are found through the calendar index of publishing_post (ids and dates only), ranked
 * per day and counted, and only the ones shown are joined to their texts and destinations.
 */
export async function findCalendarPosts(
  db: Executor,
  organisationId: number,
  range: { from: Date; to: Date },
  filter: CalendarFilter,
  languages: { language: string; fallback: string },
  limits: CalendarLimits,
): Promise<CalendarPosts> {
  const at = sql<Date>`coalesce(p.published_at, p.scheduled_at)`;
  // the days of the period by their first instant in the city's time zone: a post's day is the bucket its
  // date falls in (a binary search, cheaper than formatting every date in the time zone)
  const days: string[] = [];
  const starts: string[] = [];
  for (let day = dayIn(range.from, limits.timeZone); ; day = nextDay(day)) {
    const start = startOfDay(day, limits.timeZone);
    if (start >= range.to) break;
    days.push(day);
    starts.push((days.length === 1 ? range.from : start).toISOString());
  }
  let inPeriod = db
    .selectFrom('publishing_post as p')
    .select([
      'p.id',
      at.as('at'),
      sql<number>`width_bucket(${at}, ${`{${starts.join(',')}}`}::timestamptz[])`.as('day'),
    ])
    .where('p.organisation_id', '=', organisationId)
    .where(at, '>=', range.from)
    .where(at, '<', range.to);
  if (filter.departmentId !== undefined) inPeriod = inPeriod.where('p.department_id', '=', filter.departmentId);
  if (filter.campaignId !== undefined) inPeriod = inPeriod.where('p.campaign_id', '=', filter.campaignId);
  if (filter.channel !== undefined) {
    const channel = filter.channel;
    inPeriod = inPeriod.where((eb) =>
      eb.exists(
        eb
          .selectFrom('publishing_post_destination as pd')
          .innerJoin('publishing_destination as d', 'd.id', 'pd.destination_id')
          .select(sql<number>`1`.as('one'))
          .whereRef('pd.post_id', '=', 'p.id')
          .where('d.kind', '=', channel),
      ),
    );
  }
  // month and week: the first `perDay` of each day; agenda: whole days while the posts of the days
  // before stay under `total` (counted per day, then summed in day order). `shown` is materialized: the
  // planner cannot count the period's rows (a CTE, and dates through an expression index) and, guessing
  // one, would rank the whole period again for every day of the outer join (the agenda of 5,000 posts
  // took 400 ms on PostgreSQL, ranking 4,516 rows 28 times); ranked once, the days join a few rows each.
  // The days kept are joined, not looked up per row with `in (select …)`, for the same reason.
  const perDay = limits.perDay ?? 2_147_483_647;
  const total = limits.total ?? 2_147_483_647;
  const result = await sql<{
    id: number | null;
    day: number;
    day_count: number;
    slug: string | null;
    state: PostState | null;
    kind: string | null;
    at: Date | null;
    department_id: number | null;
    campaign_id: number | null;
    text: { title: string; language: string } | string | null;
    channels: string[] | null;
  }>`
    with period as materialized (${inPeriod}),
    counts as (
      select day, count(*)::int as day_count, (sum(count(*)) over (order by day) - count(*))::int as before
      from period group by day),
    shown as materialized (
      select id, at, day from (
        select p.id, p.at, p.day, row_number() over (partition by p.day order by p.at, p.id) as rank
        from period p join counts c on c.day = p.day and c.before < ${total}::int) ranked
      where rank <= ${perDay}::int)
    select c.day, c.day_count, p.id, p.slug, p.state, p.kind, s.at, p.department_id, p.campaign_id,
      (select json_build_object('title', coalesce(nullif(t.title, ''), left(t.body, 80)), 'language', t.language)
        from publishing_post_text t where t.post_id = p.id
        order by t.language = ${languages.language} desc, t.language = ${languages.fallback} desc, t.language
        limit 1) as text,
      array(select distinct d.kind from publishing_post_destination pd
        join publishing_destination d on d.id = pd.destination_id
        where pd.post_id = p.id order by d.kind) as channels
    from counts c
    left join shown s on s.day = c.day
    left join publishing_post p on p.id = s.id
    order by c.day, s.at, s.id`.execute(db);
  const posts: CalendarPost[] = [];
  const counts = new Map<string, number>();
  let periodCount = 0;
  for (const row of result.rows) {
    const day = days[row.day - 1];
    if (day === undefined) continue;
    if (!counts.has(day)) periodCount += row.day_count;
    counts.set(day, row.day_count);
    if (row.id === null || row.at === null) continue;
    const text =
      typeof row.text === 'string' ? (JSON.parse(row.text) as { title: string; language: string }) : row.text;
    posts.push({
      id: row.id,
      slug: row.slug ?? '',
      state: row.state ?? 'draft',
      kind: row.kind ?? 'post',
      at: new Date(row.at),
      departmentId: row.department_id,
      campaignId: row.campaign_id,
      title: text?.title ?? row.slug ?? '',
      titleLanguage: text?.language ?? languages.fallback,
      channels: row.channels ?? [],
    });
  }
  return { posts, perDay: counts, total: periodCount };
}

/** The destination kinds a city has, for the calendar's channel filter. */
export async function findDestinationKinds(db: Executor, organisationId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('publishing_destination')
    .select('kind')
    .distinct()
    .where('organisation_id', '=', organisationId)
    .where('archived_at', 'is', null)
    .orderBy('kind')
    .execute();
  return rows.map((row) => row.kind);
}

function toBlackout(row: { id: number; starts_at: Date; ends_at: Date; reason: unknown }): Blackout {
  return {
    id: row.id,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
    reason: (typeof row.reason === 'string' ? JSON.parse(row.reason) : row.reason) as Translated,
  };
}

/** The blackout periods overlapping [from, to), or all of them from `from` on when `to` is absent. */
export async function findBlackouts(
  db: Executor,
  organisationId: number,
  range: { from: Date; to?: Date | undefined },
): Promise<Blackout[]> {
  let query = db
    .selectFrom('publishing_blackout')
    .select(['id', 'starts_at', 'ends_at', 'reason'])
    .where('organisation_id', '=', organisationId)
    .where('ends_at', '>', range.from);
  if (range.to) query = query.where('starts_at', '<', range.to);
  return (await query.orderBy('starts_at').orderBy('id').execute()).map(toBlackout);
}

/** The blackout period an instant falls in, if any. */
export async function findBlackoutAt(db: Executor, organisationId: number, at: Date): Promise<Blackout | undefined> {
  const row = await db
    .selectFrom('publishing_blackout')
    .select(['id', 'starts_at', 'ends_at', 'reason'])
    .where('organisation_id', '=', organisationId)
    .where('starts_at', '<=', at)
    .where('ends_at', '>', at)
    .orderBy('starts_at')
    .limit(1)
    .executeTakeFirst();
  return row ? toBlackout(row) : undefined;
}

export async function insertBlackout(
  db: Executor,
  blackout: { organisationId: number; startsAt: Date; endsAt: Date; reason: Translated; createdBy: number },
): Promise<number> {
  const row = await db
    .insertInto('publishing_blackout')
    .values({
      organisation_id: blackout.organisationId,
      starts_at: blackout.startsAt,
      ends_at: blackout.endsAt,
      reason: JSON.stringify(blackout.reason),
      created_by: blackout.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteBlackout(db: Executor, organisationId: number, id: number): Promise<Blackout | undefined> {
  const row = await db
    .deleteFrom('publishing_blackout')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returning(['id', 'starts_at', 'ends_at', 'reason'])
    .executeTakeFirst();
  return row ? toBlackout(row) : undefined;
}

/** A post's state and schedule, for moving it. */
export async function findPostSchedule(
  db: Executor,
  organisationId: number,
  postId: number,
): Promise<{ state: PostState; scheduledAt: Date | null; departmentId: number | null } | undefined> {
  const row = await db
    .selectFrom('publishing_post')
    .select(['state', 'scheduled_at', 'department_id'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', postId)
    .executeTakeFirst();
  return row ? { state: row.state, scheduledAt: row.scheduled_at, departmentId: row.department_id } : undefined;
}

/** States whose schedule may still change. */
export const MOVABLE_STATES: readonly PostState[] = [
  'draft',
  'in_review',
  'changes_requested',
  'approved',
  'scheduled',
];

/**
 * Moves a post's schedule, only while it is in a movable state (in the statement itself, so a publishing
 * job that took the post meanwhile wins) and only if no blackout period holds `at` (checked in the same
 * statement too, so a blackout added meanwhile also wins). Answers whether it moved.
 */
export async function moveSchedule(db: Executor, organisationId: number, postId: number, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('publishing_post')
    .set({ scheduled_at: at, updated_at: new Date(), version: sql`version + 1` })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', postId)
    .where('state', 'in', MOVABLE_STATES)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('publishing_blackout as b')
            .select(sql<number>`1`.as('one'))
            .where('b.organisation_id', '=', organisationId)
            .where('b.starts_at', '<=', at)
            .where('b.ends_at', '>', at),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
