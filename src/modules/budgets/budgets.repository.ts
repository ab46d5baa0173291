/**
 * Reading a budget's records — the budget with its phases, its headings, projects and milestones — for
 * every use case and page of the module. The row mappers are exported for the other repositories of
 * the module (ballots.repository.ts reads a budget in its own query).
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
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

/** A JSON column's value, whether the driver handed it over parsed or as text. */
export function json(value: unknown): unknown {
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
export const budgetColumnsSql = sql.raw(budgetColumns.join(', '));

export const phasesColumn = sql`coalesce((select json_agg(json_build_object('kind', p.kind, 'startsAt', p.starts_at, 'endsAt', p.ends_at) order by p.starts_at) from budgets_phase p where p.budget_id = b.id), '[]'::json)`;

export type BudgetRow = {
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

export function toBudget(row: BudgetRow): Budget {
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
  options: { lock?: boolean | 'update' } = {},
): Promise<Budget | undefined> {
  let query = db
    .selectFrom('budgets_budget as b')
    .select([...budgetColumns, phasesColumn.as('phases')])
    .where('b.organisation_id', '=', organisationId)
    .where('b.id', '=', budgetId);
  // FOR SHARE: a ballot being stored keeps staff from closing the ballot under it, and waits for them.
  // FOR UPDATE: publishing results keeps the phases (their trigger updates this row) and a second
  // publication waiting until it is done.
  if (options.lock === 'update') query = query.forUpdate();
  else if (options.lock) query = query.forShare();
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

export function toHeading(row: {
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
