import { sql, type SelectQueryBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import './participation.schema.ts';
import type { Answer, Category, ProposalStatus, ShownStatus } from './participation.schema.ts';

export interface Proposal {
  id: number;
  processId: number;
  authorId: number | null;
  authorName: string | null;
  title: string;
  body: string;
  category: Category;
  districtId: number | null;
  lat: number | null;
  lng: number | null;
  status: ProposalStatus;
  supports: number;
  threshold: number;
  supportDeadline: Date;
  thresholdReachedAt: Date | null;
  answerDueAt: Date | null;
  answerText: string | null;
  answeredAt: Date | null;
  hidden: boolean;
  createdAt: Date;
}

/** What the public sees: "expired" when supports were still being collected and the deadline passed. */
export function shownStatus(proposal: Pick<Proposal, 'status' | 'supportDeadline'>, now = new Date()): ShownStatus {
  return proposal.status === 'published' && proposal.supportDeadline <= now ? 'expired' : proposal.status;
}

/** Whether a proposal still takes supports: collecting (or just past its threshold) and before its deadline. */
export function collectsSupports(proposal: Pick<Proposal, 'status' | 'supportDeadline'>, now = new Date()): boolean {
  return (proposal.status === 'published' || proposal.status === 'threshold_reached') && now < proposal.supportDeadline;
}

const proposalColumns = [
  'pr.id',
  'pr.process_id',
  'pr.author_id',
  'u.display_name as author_name',
  'pr.title',
  'pr.body',
  'pr.category',
  'pr.district_id',
  'pr.lat',
  'pr.lng',
  'pr.status',
  'pr.supports_count',
  'pr.threshold',
  'pr.support_deadline',
  'pr.threshold_reached_at',
  'pr.answer_due_at',
  'pr.answer_text',
  'pr.answered_at',
  'pr.hidden_at',
  'pr.random_key',
  'pr.created_at',
] as const;

type ProposalRow = {
  id: number;
  process_id: number;
  author_id: number | null;
  author_name: string | null;
  title: string;
  body: string;
  category: Category;
  district_id: number | null;
  lat: number | null;
  lng: number | null;
  status: ProposalStatus;
  supports_count: number;
  threshold: number;
  support_deadline: Date;
  threshold_reached_at: Date | null;
  answer_due_at: Date | null;
  answer_text: string | null;
  answered_at: Date | null;
  hidden_at: Date | null;
  random_key: number;
  created_at: Date;
};

function toProposal(row: ProposalRow): Proposal & { randomKey: number } {
  return {
    id: row.id,
    processId: row.process_id,
    authorId: row.author_id,
    authorName: row.author_name,
    title: row.title,
    body: row.body,
    category: row.category,
    districtId: row.district_id,
    lat: row.lat,
    lng: row.lng,
    status: row.status,
    supports: row.supports_count,
    threshold: row.threshold,
    supportDeadline: row.support_deadline,
    thresholdReachedAt: row.threshold_reached_at,
    answerDueAt: row.answer_due_at,
    answerText: row.answer_text,
    answeredAt: row.answered_at,
    hidden: row.hidden_at !== null,
    createdAt: row.created_at,
    randomKey: row.random_key,
  };
}

function base(db: Executor, organisationId: number) {
  return db
    .selectFrom('participation_proposal as pr')
    .leftJoin('core_user as u', 'u.id', 'pr.author_id')
    .select(proposalColumns)
    .where('pr.organisation_id', '=', organisationId);
}

export async function findProposal(db: Executor, organisationId: number, id: number): Promise<Proposal | undefined> {
  const row = await base(db, organisationId).where('pr.id', '=', id).executeTakeFirst();
  return row ? toProposal(row) : undefined;
}

export type ProposalSort = 'supports' | 'newest' | 'random';

export interface ProposalFilters {
  processId?: number | undefined;
  category?: Category | undefined;
  districtId?: number | undefined;
  status?: ShownStatus | undefined;
  authorId?: number | undefined;
  located?: boolean;
  sort: ProposalSort;
  /** For `random`: where in the key space this visitor's walk starts (0 … 2^31-1). */
  seed?: number;
  /** The `cursor` of the previous page's last proposal. */
  after?: string | undefined;
  limit: number;
}

type ListQuery = SelectQueryBuilder<
  Database & { pr: Database['participation_proposal']; u: Database['core_user'] },
  'pr' | 'u',
  ProposalRow
>;

function filtered(query: ListQuery, filters: ProposalFilters, now: Date): ListQuery {
  let q = query.where('pr.hidden_at', 'is', null);
  if (filters.processId !== undefined) q = q.where('pr.process_id', '=', filters.processId);
  if (filters.category) q = q.where('pr.category', '=', filters.category);
  if (filters.districtId !== undefined) q = q.where('pr.district_id', '=', filters.districtId);
  if (filters.authorId !== undefined) q = q.where('pr.author_id', '=', filters.authorId);
  if (filters.located) q = q.where('pr.lat', 'is not', null);
  const status = filters.status;
  if (status === 'expired') q = q.where('pr.status', '=', 'published').where('pr.support_deadline', '<=', now);
  else if (status === 'published') q = q.where('pr.status', '=', 'published').where('pr.support_deadline', '>', now);
  else if (status) q = q.where('pr.status', '=', status);
  else q = q.where('pr.status', '<>', 'withdrawn');
  return q;
}

/** A position in a sorted list, written into "next page" links. */
export function cursorOf(proposal: Proposal & { randomKey?: number }, sort: ProposalSort): string {
  if (sort === 'supports') return `${proposal.supports}_${proposal.id}`;
  if (sort === 'random') return `${proposal.randomKey ?? 0}_${proposal.id}`;
  return String(proposal.id);
}

function parseCursor(text: string | undefined, sort: ProposalSort): [number, number] | undefined {
  if (!text) return undefined;
  const match = sort === 'newest' ? /^()(\d{1,10})$/.exec(text) : /^(-?\d{1,10})_(\d{1,10})$/.exec(text);
  if (!match) return undefined;
  return [Number(match[1] || 0), Number(match[2])];
}

/**
 * A page of proposals under filters, in one of three orders, each read along its own index:
 * newest (id), most supported (supports_count, id) and random. Random is a walk through the random keys
 * starting at the visitor's seed and wrapping round once: stable for that visitor, so paging neither
 * repeats nor skips anything, and different from one visitor to the next. Keyset pagination: the
 * cost of a page does not grow with how far one pages.
 */
export async function findProposals(
  db: Executor,
  organisationId: number,
  filters: ProposalFilters,
  now = new Date(),
): Promise<Array<Proposal & { randomKey: number }>> {
  const cursor = parseCursor(filters.after, filters.sort);
  const query = filtered(base(db, organisationId), filters, now);
  if (filters.sort === 'newest') {
    const q = cursor ? query.where('pr.id', '<', cursor[1]) : query;
    return (await q.orderBy('pr.organisation_id').orderBy('pr.id', 'desc').limit(filters.limit).execute()).map(
      toProposal,
    );
  }
  if (filters.sort === 'supports') {
    const q = cursor ? query.where(sql<boolean>`(pr.supports_count, pr.id) < (${cursor[0]}, ${cursor[1]})`) : query;
    return (
      await q
        .orderBy('pr.organisation_id')
        .orderBy('pr.supports_count', 'desc')
        .orderBy('pr.id', 'desc')
        .limit(filters.limit)
        .execute()
    ).map(toProposal);
  }
  const seed = filters.seed ?? 0;
  const ordered = (q: ListQuery) => q.orderBy('pr.organisation_id').orderBy('pr.random_key').orderBy('pr.id');
  // First the keys from the seed upwards, then (wrapping round) the keys below it.
  const inFirstLap = !cursor || cursor[0] >= seed;
  const rows: ProposalRow[] = [];
  if (inFirstLap) {
    let first = query.where('pr.random_key', '>=', seed);
    if (cursor) first = first.where(sql<boolean>`(pr.random_key, pr.id) > (${cursor[0]}, ${cursor[1]})`);
    rows.push(...(await ordered(first).limit(filters.limit).execute()));
  }
  if (rows.length < filters.limit) {
    let second = query.where('pr.random_key', '<', seed);
    if (cursor && !inFirstLap)
      second = second.where(sql<boolean>`(pr.random_key, pr.id) > (${cursor[0]}, ${cursor[1]})`);
    rows.push(
      ...(await ordered(second)
        .limit(filters.limit - rows.length)
        .execute()),
    );
  }
  return rows.map(toProposal);
}

export interface NewProposal {
  organisationId: number;
  processId: number;
  authorId: number;
  title: string;
  body: string;
  category: Category;
  districtId: number | null;
  lat: number | null;
  lng: number | null;
  threshold: number;
  supportDeadline: Date;
  randomKey: number;
}

export async function insertProposal(db: Executor, values: NewProposal): Promise<number> {
  const row = await db
    .insertInto('participation_proposal')
    .values({
      organisation_id: values.organisationId,
      process_id: values.processId,
      author_id: values.authorId,
      title: values.title,
      body: values.body,
      category: values.category,
      district_id: values.districtId,
      lat: values.lat,
      lng: values.lng,
      threshold: values.threshold,
      support_deadline: values.supportDeadline,
      random_key: values.randomKey,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Locks a proposal's row for the rest of the transaction, so supports of one proposal are counted one after another. */
export async function lockProposal(db: Executor, organisationId: number, id: number) {
  return db
    .selectFrom('participation_proposal')
    .select(['id', 'process_id', 'status', 'supports_count', 'threshold', 'support_deadline', 'hidden_at', 'author_id'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Adds a support unless this person already gave one; true when a row was added. */
export async function insertSupport(
  db: Executor,
  organisationId: number,
  proposalId: number,
  userId: number,
): Promise<boolean> {
  const rows = await db
    .insertInto('participation_support')
    .values({ organisation_id: organisationId, proposal_id: proposalId, user_id: userId })
    .onConflict((oc) => oc.constraint('participation_support_one_per_resident').doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function deleteSupport(db: Executor, proposalId: number, userId: number): Promise<boolean> {
  const rows = await db
    .deleteFrom('participation_support')
    .where('proposal_id', '=', proposalId)
    .where('user_id', '=', userId)
    .returning('id')
    .execute();
  return rows.length > 0;
}

/**
 * Moves the count by `delta`; the first time it reaches the threshold the proposal becomes
 * "threshold reached" and the city's answer falls due `answerDays` later. Returns the new state.
 */
export async function changeSupportCount(
  db: Executor,
  proposalId: number,
  delta: 1 | -1,
  answerDays: number,
  now: Date,
) {
  return db
    .updateTable('participation_proposal')
    .set({
      supports_count: sql`supports_count + ${delta}`,
      status: sql`case when status = 'published' and supports_count + ${delta} >= threshold then 'threshold_reached' else status end`,
      threshold_reached_at: sql`case when status = 'published' and supports_count + ${delta} >= threshold then ${now}::timestamptz else threshold_reached_at end`,
      answer_due_at: sql`case when status = 'published' and supports_count + ${delta} >= threshold then ${now}::timestamptz + make_interval(days => ${answerDays}) else answer_due_at end`,
    })
    .where('id', '=', proposalId)
    .returning(['supports_count', 'status'])
    .executeTakeFirstOrThrow();
}

export async function hasSupported(db: Executor, proposalId: number, userId: number): Promise<boolean> {
  return (
    (await db
      .selectFrom('participation_support')
      .select('id')
      .where('proposal_id', '=', proposalId)
      .where('user_id', '=', userId)
      .executeTakeFirst()) !== undefined
  );
}

/** Which of these proposals the person supports (one query for a whole list page). */
export async function findSupportedAmong(db: Executor, userId: number, proposalIds: number[]): Promise<Set<number>> {
  if (proposalIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('participation_support')
    .select('proposal_id')
    .where('user_id', '=', userId)
    .where('proposal_id', 'in', proposalIds)
    .execute();
  return new Set(rows.map((row) => row.proposal_id));
}

export async function setFollow(
  db: Executor,
  organisationId: number,
  proposalId: number,
  userId: number,
  follow: boolean,
): Promise<void> {
  if (follow) {
    await db
      .insertInto('participation_follow')
      .values({ organisation_id: organisationId, proposal_id: proposalId, user_id: userId })
      .onConflict((oc) => oc.columns(['proposal_id', 'user_id']).doNothing())
      .execute();
  } else {
    await db
      .deleteFrom('participation_follow')
      .where('proposal_id', '=', proposalId)
      .where('user_id', '=', userId)
      .execute();
  }
}

export async function isFollowing(db: Executor, proposalId: number, userId: number): Promise<boolean> {
  return (
    (await db
      .selectFrom('participation_follow')
      .select('user_id')
      .where('proposal_id', '=', proposalId)
      .where('user_id', '=', userId)
      .executeTakeFirst()) !== undefined
  );
}

/** The e-mail addresses of a proposal's followers (for the answer notice). */
export async function findFollowerEmails(
  db: Executor,
  proposalId: number,
): Promise<Array<{ email: string; language: string | null }>> {
  const rows = await db
    .selectFrom('participation_follow as f')
    .innerJoin('core_user as u', 'u.id', 'f.user_id')
    .select(['u.email', 'u.language'])
    .where('f.proposal_id', '=', proposalId)
    .where('u.deleted_at', 'is', null)
    .where('u.email', 'is not', null)
    .execute();
  return rows.flatMap((row) => (row.email ? [{ email: row.email, language: row.language }] : []));
}

export async function storeAnswer(
  db: Executor,
  proposalId: number,
  answer: Answer,
  text: string,
  staffId: number,
  now: Date,
): Promise<void> {
  await db
    .updateTable('participation_proposal')
    .set({ status: answer, answer_text: text, answered_at: now, answered_by: staffId })
    .where('id', '=', proposalId)
    .execute();
}

export async function markWithdrawn(db: Executor, proposalId: number, now: Date): Promise<boolean> {
  const rows = await db
    .updateTable('participation_proposal')
    .set({ status: 'withdrawn', withdrawn_at: now })
    .where('id', '=', proposalId)
    .where('status', 'in', ['published', 'threshold_reached'])
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** Proposals past their threshold still waiting for the city's answer, the most overdue first. */
export async function findAwaitingAnswer(db: Executor, organisationId: number): Promise<Proposal[]> {
  const rows = await base(db, organisationId)
    .where('pr.status', '=', 'threshold_reached')
    .orderBy('pr.answer_due_at')
    .limit(200)
    .execute();
  return rows.map(toProposal);
}
