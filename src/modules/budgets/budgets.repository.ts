import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './budgets.schema.ts';
import type {
  Feasibility,
  FollowUpStatus,
  Phase,
  PhaseSetting,
  ProjectStatus,
  ResultsMethod,
  VotingRule,
} from './budgets.schema.ts';
import { liveSessionSql } from '../../platform/auth/sessions.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import { processEligibilitySql, type ProcessEligibilityJson } from '../participation/index.ts';
import { eligibilityFactsJson, type EligibilityFacts } from '../verification/index.ts';

export interface PhaseDates {
  kind: Phase;
  startsAt: Date;
  endsAt: Date | null;
}

export interface Budget {
  id: number;
  organisationId: number;
  processId: number | null;
  title: Translated;
  description: Translated;
  votingRule: VotingRule;
  maxProjects: number | null;
  maxVotes: number | null;
  maxVotesPerProject: number | null;
  minShare: number | null;
  resultsMethod: ResultsMethod;
  eligibility: { level: 'email' | 'verified'; minAge: number | null; maxAge: number | null };
  districtResidentsOnly: boolean;
  phaseOverride: PhaseSetting | null;
  resultsPublishedAt: Date | null;
  phases: PhaseDates[];
  createdAt: Date;
  /** How many projects one resident may support per heading (null: no limit). */
  maxSupportsPerHeading: number | null;
}

export interface Heading {
  id: number;
  budgetId: number;
  name: Translated;
  districtId: number | null;
  amount: number;
  position: number;
}

export interface Project {
  id: number;
  budgetId: number;
  headingId: number;
  title: Translated;
  description: Translated;
  cost: number;
  authorId: number | null;
  feasibility: Feasibility;
  feasibilityExplanation: Translated;
  status: ProjectStatus;
  funded: boolean;
  followUpStatus: FollowUpStatus | null;
  progress: number;
}

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

/** A JSON column's value, whether the driver handed it over parsed or as text. */
function json(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

const budgetColumns = [
  'b.id',
  'b.organisation_id',
  'b.process_id',
  'b.title',
  'b.description',
  'b.voting_rule',
  'b.max_projects',
  'b.max_votes',
  'b.max_votes_per_project',
  'b.min_share',
  'b.results_method',
  'b.eligibility_level',
  'b.min_age',
  'b.max_age',
  'b.district_residents_only',
  'b.phase_override',
  'b.results_published_at',
  'b.created_at',
  'b.max_supports_per_heading',
] as const;

/** The budget columns as SQL text, for raw templates on hot paths (the names are fixed identifiers). */
const budgetColumnsSql = sql.raw(budgetColumns.join(', '));

const phasesColumn = sql`coalesce((select json_agg(json_build_object('kind', p.kind, 'startsAt', p.starts_at, 'endsAt', p.ends_at) order by p.starts_at) from budgets_phase p where p.budget_id = b.id), '[]'::json)`;

type BudgetRow = {
  id: number;
  organisation_id: number;
  process_id: number | null;
  title: unknown;
  description: unknown;
  voting_rule: VotingRule;
  max_projects: number | null;
  max_votes: number | null;
  max_votes_per_project: number | null;
  min_share: number | null;
  results_method: ResultsMethod;
  eligibility_level: 'email' | 'verified';
  min_age: number | null;
  max_age: number | null;
  district_residents_only: boolean;
  phase_override: PhaseSetting | null;
  results_published_at: Date | null;
  created_at: Date;
  max_supports_per_heading: number | null;
  phases: unknown;
};

function toBudget(row: BudgetRow): Budget {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    processId: row.process_id,
    title: json(row.title) as Translated,
    description: json(row.description) as Translated,
    votingRule: row.voting_rule,
    maxProjects: row.max_projects,
    maxVotes: row.max_votes,
    maxVotesPerProject: row.max_votes_per_project,
    minShare: row.min_share,
    resultsMethod: row.results_method,
    eligibility: { level: row.eligibility_level, minAge: row.min_age, maxAge: row.max_age },
    districtResidentsOnly: row.district_residents_only,
    phaseOverride: row.phase_override,
    resultsPublishedAt: row.results_published_at,
    phases: (json(row.phases) as Array<{ kind: Phase; startsAt: string; endsAt: string | null }>).map((p) => ({
      kind: p.kind,
      startsAt: new Date(p.startsAt),
      endsAt: p.endsAt ? new Date(p.endsAt) : null,
    })),
    createdAt: row.created_at,
    maxSupportsPerHeading: row.max_supports_per_heading,
  };
}

/** One budget of a city with its phases, in one query. */
export async function findBudget(
  db: Executor,
  organisationId: number,
  budgetId: number,
  options: { lock?: boolean } = {},
): Promise<Budget | undefined> {
  let query = db
    .selectFrom('budgets_budget as b')
    .select([...budgetColumns, phasesColumn.as('phases')])
    .where('b.organisation_id', '=', organisationId)
    .where('b.id', '=', budgetId);
  // FOR SHARE: a ballot being stored keeps staff from closing the ballot under it, and waits for them.
  if (options.lock) query = query.forShare();
  const row = await query.executeTakeFirst();
  return row ? toBudget(row) : undefined;
}

/** All budgets of a city, newest first. */
export async function findBudgets(db: Executor, organisationId: number): Promise<Budget[]> {
  const rows = await db
    .selectFrom('budgets_budget as b')
    .select([...budgetColumns, phasesColumn.as('phases')])
    .where('b.organisation_id', '=', organisationId)
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id', 'desc')
    .execute();
  return rows.map((row) => toBudget(row as BudgetRow));
}

function toHeading(row: {
  id: number;
  budget_id: number;
  name: unknown;
  district_id: number | null;
  amount: number;
  position: number;
}): Heading {
  return {
    id: row.id,
    budgetId: row.budget_id,
    name: json(row.name) as Translated,
    districtId: row.district_id,
    amount: row.amount,
    position: row.position,
  };
}

/** The headings of a budget, the city-wide one first. */
export async function findHeadings(db: Executor, budgetId: number): Promise<Heading[]> {
  const rows = await db
    .selectFrom('budgets_heading')
    .select(['id', 'budget_id', 'name', 'district_id', 'amount', 'position'])
    .where('budget_id', '=', budgetId)
    .orderBy(sql`district_id is not null`)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map(toHeading);
}

export async function findHeading(db: Executor, budgetId: number, headingId: number): Promise<Heading | undefined> {
  const row = await db
    .selectFrom('budgets_heading')
    .select(['id', 'budget_id', 'name', 'district_id', 'amount', 'position'])
    .where('budget_id', '=', budgetId)
    .where('id', '=', headingId)
    .executeTakeFirst();
  return row ? toHeading(row) : undefined;
}

const projectColumns = [
  'id',
  'budget_id',
  'heading_id',
  'title',
  'description',
  'cost',
  'author_id',
  'feasibility',
  'feasibility_explanation',
  'status',
  'funded',
  'follow_up_status',
  'progress',
] as const;

function toProject(row: {
  id: number;
  budget_id: number;
  heading_id: number;
  title: unknown;
  description: unknown;
  cost: number;
  author_id: number | null;
  feasibility: Feasibility;
  feasibility_explanation: unknown;
  status: ProjectStatus;
  funded: boolean;
  follow_up_status: FollowUpStatus | null;
  progress: number;
}): Project {
  return {
    id: row.id,
    budgetId: row.budget_id,
    headingId: row.heading_id,
    title: json(row.title) as Translated,
    description: json(row.description) as Translated,
    cost: row.cost,
    authorId: row.author_id,
    feasibility: row.feasibility,
    feasibilityExplanation: json(row.feasibility_explanation) as Translated,
    status: row.status,
    funded: row.funded,
    followUpStatus: row.follow_up_status,
    progress: row.progress,
  };
}

/** Projects of a budget, optionally of one heading, in the order they were proposed. */
export async function findProjects(
  db: Executor,
  budgetId: number,
  options: { headingId?: number; onBallotOnly?: boolean } = {},
): Promise<Project[]> {
  let query = db.selectFrom('budgets_project').select(projectColumns).where('budget_id', '=', budgetId);
  if (options.headingId !== undefined) query = query.where('heading_id', '=', options.headingId);
  if (options.onBallotOnly) query = query.where('status', '=', 'selected').where('feasibility', '=', 'feasible');
  const rows = await query.orderBy('id').execute();
  return rows.map(toProject);
}

export async function findProject(db: Executor, budgetId: number, projectId: number): Promise<Project | undefined> {
  const row = await db
    .selectFrom('budgets_project')
    .select(projectColumns)
    .where('budget_id', '=', budgetId)
    .where('id', '=', projectId)
    .executeTakeFirst();
  return row ? toProject(row) : undefined;
}

/** The projects with these ids in one budget (ids of other budgets are simply absent). */
export async function findProjectsByIds(db: Executor, budgetId: number, ids: readonly number[]): Promise<Project[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('budgets_project')
    .select(projectColumns)
    .where('budget_id', '=', budgetId)
    .where('id', 'in', ids)
    .execute();
  return rows.map(toProject);
}

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

export async function deleteBallot(db: Executor, headingId: number, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('budgets_ballot')
    .where('heading_id', '=', headingId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Per project of a heading: how many ballots chose it and how many votes it got (they differ only with distributed votes). */
export async function countVotes(
  db: Executor,
  headingId: number,
): Promise<Map<number, { ballots: number; votes: number }>> {
  const result = await sql<{ project_id: number; ballots: number; votes: number }>`
    select u.project_id, count(*)::int as ballots, sum(u.votes)::int as votes
    from budgets_ballot b cross join lateral unnest(b.project_ids, b.votes) as u(project_id, votes)
    where b.heading_id = ${headingId}
    group by u.project_id`.execute(db);
  return new Map(result.rows.map((row) => [row.project_id, { ballots: row.ballots, votes: row.votes }]));
}

/**
 * The approval ballots of a heading grouped by identical choice: `{ projectIds, voters }`. Ballots are
 * stored with sorted ids, so equal choices are equal arrays and PostgreSQL groups them; the Method of
 * Equal Shares then works on these groups instead of one row per voter.
 */
export async function findBallotGroups(
  db: Executor,
  headingId: number,
): Promise<Array<{ projectIds: number[]; voters: number }>> {
  const result = await sql<{ project_ids: number[]; voters: number }>`
    select project_ids, count(*)::int as voters from budgets_ballot where heading_id = ${headingId} group by project_ids`.execute(
    db,
  );
  return result.rows.map((row) => ({ projectIds: row.project_ids, voters: row.voters }));
}

export async function countBallots(db: Executor, headingId: number): Promise<number> {
  const row = await db
    .selectFrom('budgets_ballot')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('heading_id', '=', headingId)
    .executeTakeFirstOrThrow();
  return row.n;
}

export interface StoredResult {
  headingId: number;
  projectId: number;
  method: ResultsMethod;
  ballots: number;
  votes: number;
  funded: boolean;
  position: number;
  note: string | null;
}

/** The published results of a budget, by heading and position. */
export async function findResults(
  db: Executor,
  budgetId: number,
): Promise<{ results: StoredResult[]; headings: Map<number, { voters: number; spent: number }> }> {
  const rows = await db
    .selectFrom('budgets_result')
    .selectAll()
    .where('budget_id', '=', budgetId)
    .orderBy('heading_id')
    .orderBy('position')
    .execute();
  const headingRows = await db
    .selectFrom('budgets_heading_result')
    .selectAll()
    .where('budget_id', '=', budgetId)
    .execute();
  return {
    results: rows.map((row) => ({
      headingId: row.heading_id,
      projectId: row.project_id,
      method: row.method,
      ballots: row.ballots,
      votes: row.votes,
      funded: row.funded,
      position: row.position,
      note: row.note,
    })),
    headings: new Map(headingRows.map((row) => [row.heading_id, { voters: row.voters, spent: row.spent }])),
  };
}

/** Replaces the stored results of a budget (in the caller's transaction). */
export async function replaceResults(
  db: Executor,
  organisationId: number,
  budgetId: number,
  results: StoredResult[],
  headings: Array<{ headingId: number; voters: number; spent: number }>,
): Promise<void> {
  await db.deleteFrom('budgets_result').where('budget_id', '=', budgetId).execute();
  await db.deleteFrom('budgets_heading_result').where('budget_id', '=', budgetId).execute();
  if (results.length > 0) {
    await db
      .insertInto('budgets_result')
      .values(
        results.map((r) => ({
          organisation_id: organisationId,
          budget_id: budgetId,
          heading_id: r.headingId,
          project_id: r.projectId,
          method: r.method,
          ballots: r.ballots,
          votes: r.votes,
          funded: r.funded,
          position: r.position,
          note: r.note,
        })),
      )
      .execute();
  }
  if (headings.length > 0) {
    await db
      .insertInto('budgets_heading_result')
      .values(
        headings.map((h) => ({
          organisation_id: organisationId,
          budget_id: budgetId,
          heading_id: h.headingId,
          voters: h.voters,
          spent: h.spent,
        })),
      )
      .execute();
  }
}

export interface Milestone {
  id: number;
  projectId: number;
  title: Translated;
  description: Translated;
  happenedOn: string;
  progress: number | null;
}

/** Milestones of projects, oldest first. */
export async function findMilestones(db: Executor, projectIds: readonly number[]): Promise<Milestone[]> {
  if (projectIds.length === 0) return [];
  const rows = await db
    .selectFrom('budgets_milestone')
    .select([
      'id',
      'project_id',
      'title',
      'description',
      sql<string>`to_char(happened_on, 'YYYY-MM-DD')`.as('happened_on'),
      'progress',
    ])
    .where('project_id', 'in', projectIds)
    .orderBy('happened_on')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    projectId: row.project_id,
    title: json(row.title) as Translated,
    description: json(row.description) as Translated,
    happenedOn: row.happened_on,
    progress: row.progress,
  }));
}

/** Whether a database error is the violation of a unique constraint, and which (PostgreSQL and PGlite). */
export function violatedConstraint(error: unknown): string | undefined {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  if (!e || e.code !== '23505') return undefined;
  return typeof e.constraint === 'string' ? e.constraint : 'unknown';
}
