import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import './participation.schema.ts';
import type { Stance, SubjectType } from './participation.schema.ts';

export interface Debate {
  id: number;
  processId: number;
  authorId: number | null;
  authorName: string | null;
  title: string;
  body: string;
  hidden: boolean;
  createdAt: Date;
  comments: number;
  argumentsFor: number;
  argumentsAgainst: number;
}

const debateCounts = {
  comments: sql<number>`(select count(*) from participation_comment c where c.subject_type = 'debate' and c.subject_id = d.id and c.hidden_at is null)`,
  for: sql<number>`(select count(*) from participation_comment c where c.subject_type = 'debate' and c.subject_id = d.id and c.hidden_at is null and c.stance = 'for')`,
  against: sql<number>`(select count(*) from participation_comment c where c.subject_type = 'debate' and c.subject_id = d.id and c.hidden_at is null and c.stance = 'against')`,
};

function debateQuery(db: Executor, organisationId: number) {
  return db
    .selectFrom('participation_debate as d')
    .leftJoin('core_user as u', 'u.id', 'd.author_id')
    .select([
      'd.id',
      'd.process_id',
      'd.author_id',
      'u.display_name as author_name',
      'd.title',
      'd.body',
      'd.hidden_at',
      'd.created_at',
      debateCounts.comments.as('comments'),
      debateCounts.for.as('for_count'),
      debateCounts.against.as('against_count'),
    ])
    .where('d.organisation_id', '=', organisationId);
}

function toDebate(row: {
  id: number;
  process_id: number;
  author_id: number | null;
  author_name: string | null;
  title: string;
  body: string;
  hidden_at: Date | null;
  created_at: Date;
  comments: number;
  for_count: number;
  against_count: number;
}): Debate {
  return {
    id: row.id,
    processId: row.process_id,
    authorId: row.author_id,
    authorName: row.author_name,
    title: row.title,
    body: row.body,
    hidden: row.hidden_at !== null,
    createdAt: row.created_at,
    comments: row.comments,
    argumentsFor: row.for_count,
    argumentsAgainst: row.against_count,
  };
}

export async function findDebate(db: Executor, organisationId: number, id: number): Promise<Debate | undefined> {
  const row = await debateQuery(db, organisationId).where('d.id', '=', id).executeTakeFirst();
  return row ? toDebate(row) : undefined;
}

/** The visible debates of a process (or of the city), newest first. */
export async function findDebates(
  db: Executor,
  organisationId: number,
  options: { processId?: number; limit?: number } = {},
): Promise<Debate[]> {
  let query = debateQuery(db, organisationId).where('d.hidden_at', 'is', null);
  if (options.processId !== undefined) query = query.where('d.process_id', '=', options.processId);
  const rows = await query
    .orderBy('d.id', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  return rows.map(toDebate);
}

export async function insertDebate(
  db: Executor,
  values: { organisationId: number; processId: number; authorId: number; title: string; body: string },
): Promise<number> {
  const row = await db
    .insertInto('participation_debate')
    .values({
      organisation_id: values.organisationId,
      process_id: values.processId,
      author_id: values.authorId,
      title: values.title,
      body: values.body,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface Comment {
  id: number;
  subjectType: SubjectType;
  subjectId: number;
  parentId: number | null;
  authorId: number | null;
  authorName: string | null;
  body: string;
  stance: Stance | null;
  ups: number;
  downs: number;
  flags: number;
  hidden: boolean;
  hiddenReason: string | null;
  createdAt: Date;
}

const commentColumns = [
  'c.id',
  'c.subject_type',
  'c.subject_id',
  'c.parent_id',
  'c.author_id',
  'u.display_name as author_name',
  'c.body',
  'c.stance',
  'c.ups',
  'c.downs',
  'c.flags',
  'c.hidden_at',
  'c.hidden_reason',
  'c.created_at',
] as const;

function toComment(row: {
  id: number;
  subject_type: SubjectType;
  subject_id: number;
  parent_id: number | null;
  author_id: number | null;
  author_name: string | null;
  body: string;
  stance: Stance | null;
  ups: number;
  downs: number;
  flags: number;
  hidden_at: Date | null;
  hidden_reason: string | null;
  created_at: Date;
}): Comment {
  return {
    id: row.id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    parentId: row.parent_id,
    authorId: row.author_id,
    authorName: row.author_name,
    body: row.body,
    stance: row.stance,
    ups: row.ups,
    downs: row.downs,
    flags: row.flags,
    hidden: row.hidden_at !== null,
    hiddenReason: row.hidden_reason,
    createdAt: row.created_at,
  };
}

function commentQuery(db: Executor, organisationId: number) {
  return db
    .selectFrom('participation_comment as c')
    .leftJoin('core_user as u', 'u.id', 'c.author_id')
    .select(commentColumns)
    .where('c.organisation_id', '=', organisationId);
}

export async function findComment(db: Executor, organisationId: number, id: number): Promise<Comment | undefined> {
  const row = await commentQuery(db, organisationId).where('c.id', '=', id).executeTakeFirst();
  return row ? toComment(row) : undefined;
}

export type CommentSort = 'best' | 'newest';

/**
 * All comments on one proposal or debate (hidden ones included, shown as hidden), top-level ones in the
 * chosen order — best: most up votes net of down votes, then oldest; newest: latest first — and replies
 * oldest first under their parent.
 */
export async function findComments(
  db: Executor,
  organisationId: number,
  subjectType: SubjectType,
  subjectId: number,
  sort: CommentSort,
): Promise<Comment[]> {
  let query = commentQuery(db, organisationId)
    .where('c.subject_type', '=', subjectType)
    .where('c.subject_id', '=', subjectId);
  query = sort === 'best' ? query.orderBy(sql`c.ups - c.downs`, 'desc').orderBy('c.id') : query.orderBy('c.id', 'desc');
  return (await query.limit(2000).execute()).map(toComment);
}

export async function insertComment(
  db: Executor,
  values: {
    organisationId: number;
    subjectType: SubjectType;
    subjectId: number;
    parentId: number | null;
    authorId: number;
    body: string;
    stance: Stance | null;
  },
): Promise<number> {
  const row = await db
    .insertInto('participation_comment')
    .values({
      organisation_id: values.organisationId,
      subject_type: values.subjectType,
      subject_id: values.subjectId,
      parent_id: values.parentId,
      author_id: values.authorId,
      body: values.body,
      stance: values.stance,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Locks a comment's row, so votes on one comment are counted one after another. */
export async function lockComment(db: Executor, organisationId: number, id: number) {
  return db
    .selectFrom('participation_comment')
    .select(['id', 'hidden_at', 'subject_type', 'subject_id'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Sets a person's vote on a comment (1, -1, or 0 to take it back) and recounts the comment's votes from
 * the vote rows. Callers hold the comment's lock, so the recount sees every earlier vote.
 */
export async function setCommentVote(
  db: Executor,
  organisationId: number,
  commentId: number,
  userId: number,
  value: -1 | 0 | 1,
): Promise<{ ups: number; downs: number }> {
  if (value === 0)
    await db
      .deleteFrom('participation_comment_vote')
      .where('comment_id', '=', commentId)
      .where('user_id', '=', userId)
      .execute();
  else {
    await db
      .insertInto('participation_comment_vote')
      .values({ organisation_id: organisationId, comment_id: commentId, user_id: userId, value })
      .onConflict((oc) => oc.constraint('participation_comment_vote_one_per_person').doUpdateSet({ value }))
      .execute();
  }
  return db
    .updateTable('participation_comment')
    .set({
      ups: sql`(select count(*) from participation_comment_vote v where v.comment_id = ${commentId} and v.value = 1)`,
      downs: sql`(select count(*) from participation_comment_vote v where v.comment_id = ${commentId} and v.value = -1)`,
    })
    .where('id', '=', commentId)
    .returning(['ups', 'downs'])
    .executeTakeFirstOrThrow();
}

/** The person's votes among these comments. */
export async function findVotesAmong(db: Executor, userId: number, commentIds: number[]): Promise<Map<number, number>> {
  if (commentIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('participation_comment_vote')
    .select(['comment_id', 'value'])
    .where('user_id', '=', userId)
    .where('comment_id', 'in', commentIds)
    .execute();
  return new Map(rows.map((row) => [row.comment_id, row.value]));
}

/** Flags a comment once per person; true when this flag is new. */
export async function insertFlag(
  db: Executor,
  organisationId: number,
  commentId: number,
  userId: number,
  reason: string,
): Promise<boolean> {
  const rows = await db
    .insertInto('participation_comment_flag')
    .values({ organisation_id: organisationId, comment_id: commentId, user_id: userId, reason })
    .onConflict((oc) => oc.constraint('participation_comment_flag_one_per_person').doNothing())
    .returning('id')
    .execute();
  if (rows.length > 0)
    await db
      .updateTable('participation_comment')
      .set({ flags: sql`flags + 1` })
      .where('id', '=', commentId)
      .execute();
  return rows.length > 0;
}

export async function setCommentHidden(
  db: Executor,
  commentId: number,
  hidden: { by: number; reason: string; at: Date } | null,
): Promise<void> {
  await db
    .updateTable('participation_comment')
    .set(
      hidden
        ? { hidden_at: hidden.at, hidden_reason: hidden.reason, hidden_by: hidden.by }
        : { hidden_at: null, hidden_reason: null, hidden_by: null, flags: 0 },
    )
    .where('id', '=', commentId)
    .execute();
  if (!hidden) await db.deleteFrom('participation_comment_flag').where('comment_id', '=', commentId).execute();
}

/** Comments flagged and not yet hidden, the most flagged first: the moderators' queue. */
export async function findFlaggedComments(
  db: Executor,
  organisationId: number,
): Promise<Array<Comment & { reasons: string[] }>> {
  const rows = await commentQuery(db, organisationId)
    .select(
      sql<
        string[]
      >`coalesce((select array_agg(distinct f.reason) from participation_comment_flag f where f.comment_id = c.id), '{}')`.as(
        'reasons',
      ),
    )
    .where('c.flags', '>', 0)
    .where('c.hidden_at', 'is', null)
    .orderBy('c.flags', 'desc')
    .orderBy('c.id')
    .limit(200)
    .execute();
  return rows.map((row) => ({ ...toComment(row), reasons: row.reasons }));
}
