import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
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

/**
 * The posts dated in [from, to): published ones at their publication, the others at their schedule; each
 * with a title in `language` (else the city's, else any) and the kinds of its destinations. One statement,
 * read through the calendar index of publishing_post.
 */
export async function findCalendarPosts(
  db: Executor,
  organisationId: number,
  range: { from: Date; to: Date },
  filter: CalendarFilter,
  languages: { language: string; fallback: string },
): Promise<CalendarPost[]> {
  const at = sql<Date>`coalesce(p.published_at, p.scheduled_at)`;
  let query = db
    .selectFrom('publishing_post as p')
    .select([
      'p.id',
      'p.slug',
      'p.state',
      'p.kind',
      at.as('at'),
      'p.department_id',
      'p.campaign_id',
      sql<{ title: string; language: string } | null>`(
        select json_build_object('title', coalesce(nullif(t.title, ''), left(t.body, 80)), 'language', t.language)
        from publishing_post_text t where t.post_id = p.id
        order by t.language = ${languages.language} desc, t.language = ${languages.fallback} desc, t.language
        limit 1)`.as('text'),
      sql<string[]>`array(
        select distinct d.kind from publishing_post_destination pd
        join publishing_destination d on d.id = pd.destination_id
        where pd.post_id = p.id order by d.kind)`.as('channels'),
    ])
    .where('p.organisation_id', '=', organisationId)
    .where(at, '>=', range.from)
    .where(at, '<', range.to);
  if (filter.departmentId !== undefined) query = query.where('p.department_id', '=', filter.departmentId);
  if (filter.campaignId !== undefined) query = query.where('p.campaign_id', '=', filter.campaignId);
  if (filter.channel !== undefined) {
    const channel = filter.channel;
    query = query.where((eb) =>
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
  const rows = await query.orderBy(at).orderBy('p.id').execute();
  return rows.map((row) => {
    const text =
      typeof row.text === 'string' ? (JSON.parse(row.text) as { title: string; language: string }) : row.text;
    return {
      id: row.id,
      slug: row.slug,
      state: row.state,
      kind: row.kind,
      at: new Date(row.at),
      departmentId: row.department_id,
      campaignId: row.campaign_id,
      title: text?.title ?? row.slug,
      titleLanguage: text?.language ?? languages.fallback,
      channels: row.channels,
    };
  });
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
