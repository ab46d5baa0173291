/**
 * Ballots: a voter's ballot context in one query, storing and withdrawing ballots while the budget is
 * balloting (the hot path of ballot.use-cases.ts and ballot-writer.ts), and the demo's direct writes.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import { liveSessionSql } from '../../platform/auth/sessions.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import './budgets.schema.ts';
import { processEligibilitySql, type ProcessEligibilityJson } from '../participation/index.ts';
import { eligibilityFactsJson, type EligibilityFacts } from '../verification/index.ts';
import {
  budgetColumnsSql,
  json,
  phasesColumn,
  toBudget,
  toHeading,
  type Budget,
  type BudgetRow,
  type Heading,
  type Project,
} from './budgets.repository.ts';

export interface StoredBallot {
  id: number;
  headingId: number;
  projectIds: number[];
  votes: number[];
  totalCost: number;
  districtHeading: boolean;
  updatedAt: Date;
}

/** A ballot as just written: what was sent, and the time of the change. */
export type WrittenBallot = Omit<StoredBallot, 'id'>;

function toBallot(row: {
  id: number;
  heading_id: number;
  project_ids: number[];
  votes: number[];
  total_cost: number;
  district_heading: boolean;
  updated_at: Date;
}): StoredBallot {
  return {
    id: row.id,
    headingId: row.heading_id,
    projectIds: row.project_ids,
    votes: row.votes,
    totalCost: row.total_cost,
    districtHeading: row.district_heading,
    updatedAt: row.updated_at,
  };
}

const ballotColumns = [
  'id',
  'heading_id',
  'project_ids',
  'votes',
  'total_cost',
  'district_heading',
  'updated_at',
] as const;

export async function findBallot(db: Executor, headingId: number, userId: number): Promise<StoredBallot | undefined> {
  const row = await db
    .selectFrom('budgets_ballot')
    .select(ballotColumns)
    .where('heading_id', '=', headingId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? toBallot(row) : undefined;
}

/** A voter's ballots in a budget (at most the city-wide one and one district one). */
export async function findBallotsOfVoter(db: Executor, budgetId: number, userId: number): Promise<StoredBallot[]> {
  const rows = await db
    .selectFrom('budgets_ballot')
    .select(ballotColumns)
    .where('budget_id', '=', budgetId)
    .where('user_id', '=', userId)
    .execute();
  return rows.map(toBallot);
}

/**
 * Stores a voter's ballot in a heading, or replaces the one they had: one statement, decided by the
 * UNIQUE (heading_id, user_id) constraint, so concurrent identical requests end with exactly one row.
 */
export async function upsertBallot(
  db: Executor,
  values: {
    organisationId: number;
    budgetId: number;
    headingId: number;
    userId: number;
    districtHeading: boolean;
    projectIds: number[];
    votes: number[];
    totalCost: number;
  },
): Promise<StoredBallot> {
  const row = await db
    .insertInto('budgets_ballot')
    .values({
      organisation_id: values.organisationId,
      budget_id: values.budgetId,
      heading_id: values.headingId,
      user_id: values.userId,
      district_heading: values.districtHeading,
      project_ids: values.projectIds,
      votes: values.votes,
      total_cost: values.totalCost,
    })
    .onConflict((conflict) =>
      conflict.constraint('budgets_ballot_one_per_heading').doUpdateSet({
        project_ids: (eb) => eb.ref('excluded.project_ids'),
        votes: (eb) => eb.ref('excluded.votes'),
        total_cost: (eb) => eb.ref('excluded.total_cost'),
        updated_at: sql`now()`,
      }),
    )
    .returning(ballotColumns)
    .executeTakeFirstOrThrow();
  return toBallot(row);
}

/** True in SQL while the budget `b` is in its balloting phase (the same rule as `currentPhase`). */
const votingOpen = sql<boolean>`(b.phase_override = 'balloting' or (b.phase_override is null and exists (
  select 1 from budgets_phase p where p.budget_id = b.id and p.kind = 'balloting' and p.starts_at <= now() and (p.ends_at is null or p.ends_at > now()))))`;

/**
 * What a ballot was checked against, for the statement that stores it to confirm nothing of it has
 * changed: the budget's version (its settings, phases, headings and projects), the voter's eligibility
 * facts and the linked process's rule as PostgreSQL renders them, and — when the viewer was remembered
 * from an earlier request rather than read for this one — the session to confirm.
 */
export interface BallotGuard {
  version: number;
  voterText: string;
  processText: string | null;
  session: { id: string; viewer: Pick<Viewer, 'id' | 'organisationId' | 'role'> } | null;
}

/** A ballot to store, as checked: what to write and what it was checked against. */
export interface BallotWrite {
  values: {
    organisationId: number;
    budgetId: number;
    headingId: number;
    userId: number;
    districtHeading: boolean;
    projectIds: number[];
    votes: number[];
    totalCost: number;
  };
  guard: BallotGuard;
}

/** The key of a voter's ballot in a heading (one row per key: the UNIQUE constraint). */
export function ballotKey(headingId: number, userId: number): string {
  return `${headingId}:${userId}`;
}

/**
 * Stores or replaces voters' ballots — one statement for all of them, each row stored only while its
 * budget is balloting and only if everything it was checked against is still as it was read
 * (`BallotGuard`): neither the phase nor any rule can change between the test and the write, and a
 * check made on remembered data can never store a ballot the current data would refuse. The UNIQUE
 * (heading_id, user_id) constraint with ON CONFLICT DO UPDATE makes concurrent identical requests end
 * in exactly one row (each waits for the one before it and then updates it); the writes must name
 * distinct (heading, voter) pairs. A statement is its own transaction: applied whole or not at all.
 * Returns the stored ballots by `ballotKey`; a write missing from it was not stored (voting closed or a
 * guard failed). The time of the change is the server's, written into the row, so that the answer and
 * the row agree without reading the row back.
 */
export async function storeBallotsWhileVoting(
  db: Executor,
  writes: readonly BallotWrite[],
): Promise<Map<string, WrittenBallot>> {
  const updatedAt = new Date();
  const column = <T>(pick: (write: BallotWrite) => T): T[] => writes.map(pick);
  const input = sql`unnest(${column((w) => w.values.organisationId)}::int[], ${column((w) => w.values.budgetId)}::int[], ${column((w) => w.values.headingId)}::int[], ${column((w) => w.values.userId)}::int[],
      ${column((w) => w.values.districtHeading)}::bool[], ${column((w) => `{${w.values.projectIds.join(',')}}`)}::text[], ${column((w) => `{${w.values.votes.join(',')}}`)}::text[], ${column((w) => w.values.totalCost)}::bigint[],
      ${column((w) => w.guard.version)}::int[], ${column((w) => w.guard.voterText)}::text[], ${column((w) => w.guard.processText)}::text[],
      ${column((w) => w.guard.session?.id ?? null)}::text[], ${column((w) => w.guard.session?.viewer.role ?? null)}::text[])
    as i(organisation_id, budget_id, heading_id, user_id, district_heading, project_ids, votes, total_cost, version, voter_text, process_text, session_id, role)`;
  const session = liveSessionSql(sql<string>`i.session_id`, {
    id: sql<number>`i.user_id`,
    organisationId: sql<number>`i.organisation_id`,
    role: sql<Viewer['role']>`i.role`,
  });
  // Only the keys come back: the rest is what was sent (and parsing arrays costs the hot path).
  const result = await sql<{ heading_id: number; user_id: number }>`
    insert into budgets_ballot (organisation_id, budget_id, heading_id, user_id, district_heading, project_ids, votes, total_cost, updated_at)
    select b.organisation_id, b.id, i.heading_id, i.user_id, i.district_heading, i.project_ids::int[], i.votes::int[], i.total_cost, ${updatedAt}::timestamptz
    from ${input} join budgets_budget b on b.id = i.budget_id and b.organisation_id = i.organisation_id
    where ${votingOpen} and b.version = i.version
      and ${eligibilityFactsJson(sql<number>`i.organisation_id`, sql<number>`i.user_id`)}::text = i.voter_text
      and ${processEligibilitySql(sql<number>`i.organisation_id`, sql`b.process_id`)}::text is not distinct from i.process_text
      and (i.session_id is null or ${session})
    on conflict on constraint budgets_ballot_one_per_heading do update
      set project_ids = excluded.project_ids, votes = excluded.votes, total_cost = excluded.total_cost, updated_at = excluded.updated_at
    returning heading_id, user_id ${prepared}`.execute(db);
  const byKey = new Map(writes.map((w) => [ballotKey(w.values.headingId, w.values.userId), w.values]));
  const stored = new Map<string, WrittenBallot>();
  for (const row of result.rows) {
    const key = ballotKey(row.heading_id, row.user_id);
    const values = byKey.get(key);
    if (values)
      stored.set(key, {
        headingId: values.headingId,
        projectIds: values.projectIds,
        votes: values.votes,
        totalCost: values.totalCost,
        districtHeading: values.districtHeading,
        updatedAt,
      });
  }
  return stored;
}

/** Withdraws a voter's ballot while the budget is balloting; false when voting is closed or there was none. */
export async function deleteBallotWhileVoting(
  db: Executor,
  organisationId: number,
  budgetId: number,
  headingId: number,
  userId: number,
): Promise<boolean> {
  const result = await sql`
    delete from budgets_ballot where heading_id = ${headingId} and user_id = ${userId}
      and exists (select 1 from budgets_budget b where b.id = ${budgetId} and b.organisation_id = ${organisationId} and ${votingOpen})`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** What the ballot rules need of a project (a ballot names up to a few hundred). */
export type BallotProject = Pick<Project, 'id' | 'headingId' | 'cost' | 'status' | 'feasibility'>;

/** A budget as the ballot rules need it — what the ballot's hot path remembers between ballots. */
export interface BallotBudget {
  budget: Budget;
  /** Changes with any change to the budget, its phases, headings or projects (a trigger keeps it). */
  version: number;
  headings: Heading[];
  /** Every project of the budget, whatever its heading and status, by id. */
  projects: ReadonlyMap<number, BallotProject>;
  /** The linked process's eligibility (null without a process) and its text as PostgreSQL renders it. */
  process: ProcessEligibilityJson | null;
  processText: string | null;
}

/** A voter's eligibility facts (undefined: no such live account in this city) and their text as PostgreSQL renders them. */
export interface BallotVoter {
  facts: EligibilityFacts | undefined;
  text: string | null;
}

/**
 * A ballot's whole context in one query (one round trip): the budget with its phases, headings,
 * projects, version and linked process rule, the voter's eligibility facts and, on request, the
 * voter's stored ballot in a heading. Undefined when the city has no such budget.
 */
export async function findBallotScope(
  db: Executor,
  query: { organisationId: number; budgetId: number; userId: number; ballotInHeading?: number },
): Promise<{ budget: BallotBudget; voter: BallotVoter; ballot: StoredBallot | undefined } | undefined> {
  const ballot =
    query.ballotInHeading === undefined
      ? sql`null::json`
      : sql`(select json_build_object('id', x.id, 'heading_id', x.heading_id, 'project_ids', x.project_ids, 'votes', x.votes, 'total_cost', x.total_cost, 'district_heading', x.district_heading, 'updated_at', x.updated_at)
          from budgets_ballot x where x.budget_id = b.id and x.heading_id = ${query.ballotInHeading} and x.user_id = ${query.userId})`;
  // A raw template rather than the query builder: building and compiling a 30-column select costs
  // more server CPU than the query costs the database.
  const result = await sql<
    BudgetRow & {
      version: number;
      headings: unknown;
      projects: unknown;
      process_text: string | null;
      voter_text: string | null;
      ballot: unknown;
    }
  >`
    select ${budgetColumnsSql}, ${phasesColumn} as phases, b.version,
      coalesce((select json_agg(json_build_object('id', h.id, 'budget_id', h.budget_id, 'name', h.name, 'district_id', h.district_id, 'amount', h.amount, 'position', h.position) order by h.position, h.id)
        from budgets_heading h where h.budget_id = b.id), '[]'::json) as headings,
      coalesce((select json_agg(json_build_object('id', p.id, 'headingId', p.heading_id, 'cost', p.cost, 'status', p.status, 'feasibility', p.feasibility))
        from budgets_project p where p.budget_id = b.id), '[]'::json) as projects,
      ${processEligibilitySql(query.organisationId, sql`b.process_id`)}::text as process_text,
      ${eligibilityFactsJson(query.organisationId, query.userId)}::text as voter_text,
      ${ballot} as ballot
    from budgets_budget b
    where b.organisation_id = ${query.organisationId} and b.id = ${query.budgetId} ${prepared}`.execute(db);
  const row = result.rows[0];
  if (!row) return undefined;
  const stored = json(row.ballot) as
    (Omit<Parameters<typeof toBallot>[0], 'updated_at'> & { updated_at: string }) | null;
  return {
    budget: {
      budget: toBudget(row),
      version: row.version,
      headings: (json(row.headings) as Array<Parameters<typeof toHeading>[0]>).map(toHeading),
      projects: new Map((json(row.projects) as BallotProject[]).map((project) => [project.id, project])),
      process: row.process_text === null ? null : (JSON.parse(row.process_text) as ProcessEligibilityJson),
      processText: row.process_text,
    },
    voter: {
      facts: row.voter_text === null ? undefined : (JSON.parse(row.voter_text) as EligibilityFacts),
      text: row.voter_text,
    },
    ballot: stored ? toBallot({ ...stored, updated_at: new Date(stored.updated_at) }) : undefined,
  };
}

/**
 * Detaches a voter's ballots from them when their account is erased. A ballot in a budget still voting
 * is withdrawn (the voter could withdraw or change it that day, and could vote again with a new
 * account: counted once); every other ballot stays counted with `user_id` null, as a paper ballot
 * stays in the box, so no count, published or not, changes.
 */
export async function releaseBallotsOfUser(db: Executor, userId: number): Promise<void> {
  await sql`delete from budgets_ballot x using budgets_budget b
    where x.user_id = ${userId} and b.id = x.budget_id and ${votingOpen}`.execute(db);
  await db.updateTable('budgets_ballot').set({ user_id: null }).where('user_id', '=', userId).execute();
}

export async function deleteBallot(db: Executor, headingId: number, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('budgets_ballot')
    .where('heading_id', '=', headingId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Whether a database error is the violation of a unique constraint, and which (PostgreSQL and PGlite). */
export function violatedConstraint(error: unknown): string | undefined {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  if (!e || e.code !== '23505') return undefined;
  return typeof e.constraint === 'string' ? e.constraint : 'unknown';
}
