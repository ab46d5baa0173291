import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './budgets.schema.ts';
import type { Project } from './budgets.repository.ts';
import type { Feasibility, FollowUpStatus, Phase, ProjectStatus } from './budgets.schema.ts';

/** A project as residents see it: with its author's estimate, place, supports and (if shown) author. */
export interface ResidentProject extends Project {
  proposedCost: number | null;
  showAuthor: boolean;
  /** The author's display name, only when they chose to show it. */
  authorName: string | null;
  lat: number | null;
  lng: number | null;
  supports: number;
  createdAt: Date;
}

/** A JSON column's value, whether the driver handed it over parsed or as text. */
function json(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

/** True in SQL while the budget `b` is in `phase` (the same rule as `currentPhase`). */
function phaseOpen(phase: Phase): RawBuilder<boolean> {
  return sql<boolean>`(b.phase_override = ${phase} or (b.phase_override is null and exists (
    select 1 from budgets_phase p where p.budget_id = b.id and p.kind = ${phase} and p.starts_at <= now() and (p.ends_at is null or p.ends_at > now()))))`;
}

interface ProjectRow {
  id: number;
  budget_id: number;
  heading_id: number;
  title: unknown;
  description: unknown;
  cost: string | number;
  proposed_cost: string | number | null;
  author_id: number | null;
  feasibility: Feasibility;
  feasibility_explanation: unknown;
  status: ProjectStatus;
  funded: boolean;
  follow_up_status: FollowUpStatus | null;
  progress: number;
  show_author: boolean;
  author_name: string | null;
  lat: number | null;
  lng: number | null;
  supports: number;
  created_at: Date;
}

function toProject(row: ProjectRow): ResidentProject {
  return {
    id: row.id,
    budgetId: row.budget_id,
    headingId: row.heading_id,
    title: json(row.title) as Translated,
    description: json(row.description) as Translated,
    cost: Number(row.cost),
    authorId: row.author_id,
    feasibility: row.feasibility,
    feasibilityExplanation: json(row.feasibility_explanation) as Translated,
    status: row.status,
    funded: row.funded,
    followUpStatus: row.follow_up_status,
    progress: row.progress,
    proposedCost: row.proposed_cost === null ? null : Number(row.proposed_cost),
    showAuthor: row.show_author,
    authorName: row.show_author ? row.author_name : null,
    lat: row.lat,
    lng: row.lng,
    supports: row.supports,
    createdAt: new Date(row.created_at),
  };
}

const selectProjects = sql`
  select pr.id, pr.budget_id, pr.heading_id, pr.title, pr.description, pr.cost, pr.proposed_cost, pr.author_id, pr.feasibility,
    pr.feasibility_explanation, pr.status, pr.funded, pr.follow_up_status, pr.progress, pr.show_author, u.display_name as author_name,
    pr.lat, pr.lng, pr.created_at, (select count(*)::int from budgets_support s where s.project_id = pr.id) as supports
  from budgets_project pr left join core_user u on u.id = pr.author_id and u.deleted_at is null`;

/** The projects of a budget that residents see (not withdrawn), optionally of one heading, oldest first. */
export async function findResidentProjects(
  db: Executor,
  budgetId: number,
  options: { headingId?: number | undefined } = {},
): Promise<ResidentProject[]> {
  const heading = options.headingId === undefined ? sql`` : sql`and pr.heading_id = ${options.headingId}`;
  const result =
    await sql<ProjectRow>`${selectProjects} where pr.budget_id = ${budgetId} and pr.status <> 'withdrawn' ${heading} order by pr.id`.execute(
      db,
    );
  return result.rows.map(toProject);
}

/** One project of a budget, whatever its status. */
export async function findResidentProject(
  db: Executor,
  budgetId: number,
  projectId: number,
): Promise<ResidentProject | undefined> {
  const result =
    await sql<ProjectRow>`${selectProjects} where pr.budget_id = ${budgetId} and pr.id = ${projectId}`.execute(db);
  const row = result.rows[0];
  return row ? toProject(row) : undefined;
}

export interface ProposalValues {
  organisationId: number;
  budgetId: number;
  headingId: number;
  authorId: number;
  title: Translated;
  description: Translated;
  cost: number;
  lat: number | null;
  lng: number | null;
  showAuthor: boolean;
}

/**
 * Stores a resident's project only while the budget takes proposals — one statement, so staff closing
 * the phase cannot slip between the check and the write. Returns the new id, or undefined when closed.
 */
export async function insertProjectWhileSubmitting(db: Executor, v: ProposalValues): Promise<number | undefined> {
  const result = await sql<{ id: number }>`
    insert into budgets_project (organisation_id, budget_id, heading_id, title, description, cost, proposed_cost, author_id, show_author, lat, lng)
    select b.organisation_id, b.id, ${v.headingId}, ${JSON.stringify(v.title)}::jsonb, ${JSON.stringify(v.description)}::jsonb, ${v.cost}, ${v.cost}, ${v.authorId}, ${v.showAuthor}, ${v.lat}, ${v.lng}
    from budgets_budget b where b.id = ${v.budgetId} and b.organisation_id = ${v.organisationId} and ${phaseOpen('submitting')}
    returning id`.execute(db);
  return result.rows[0]?.id;
}

/** Changes an author's own project while the budget takes proposals and the project is still submitted. */
export async function updateProjectWhileSubmitting(
  db: Executor,
  projectId: number,
  v: ProposalValues,
): Promise<boolean> {
  const result = await sql`
    update budgets_project pr set heading_id = ${v.headingId}, title = ${JSON.stringify(v.title)}::jsonb, description = ${JSON.stringify(v.description)}::jsonb,
      cost = ${v.cost}, proposed_cost = ${v.cost}, show_author = ${v.showAuthor}, lat = ${v.lat}, lng = ${v.lng}, updated_at = now()
    from budgets_budget b
    where pr.id = ${projectId} and pr.budget_id = b.id and b.id = ${v.budgetId} and b.organisation_id = ${v.organisationId}
      and pr.author_id = ${v.authorId} and pr.status = 'submitted' and ${phaseOpen('submitting')}`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Withdraws an author's own project while the budget takes proposals; false when that is not possible. */
export async function withdrawProjectWhileSubmitting(
  db: Executor,
  organisationId: number,
  budgetId: number,
  projectId: number,
  authorId: number,
): Promise<boolean> {
  const result = await sql`
    update budgets_project pr set status = 'withdrawn', updated_at = now()
    from budgets_budget b
    where pr.id = ${projectId} and pr.budget_id = b.id and b.id = ${budgetId} and b.organisation_id = ${organisationId}
      and pr.author_id = ${authorId} and pr.status = 'submitted' and ${phaseOpen('submitting')}`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/**
 * Adds a resident's support while the budget is in its supporting phase, the project takes supports and
 * the resident has supports left in the project's heading. One insert decided by the primary key
 * (project_id, user_id) with ON CONFLICT DO NOTHING, so identical racing requests leave one row; the
 * caller holds a transaction-scoped lock per resident and heading so that racing supports of different
 * projects cannot both take the last one. Returns whether a row was added.
 */
export async function insertSupportWhileSupporting(
  db: Executor,
  v: { organisationId: number; budgetId: number; projectId: number; userId: number },
): Promise<boolean> {
  const result = await sql`
    insert into budgets_support (organisation_id, budget_id, project_id, user_id)
    select b.organisation_id, b.id, pr.id, ${v.userId}
    from budgets_budget b join budgets_project pr on pr.budget_id = b.id
    where b.id = ${v.budgetId} and b.organisation_id = ${v.organisationId} and pr.id = ${v.projectId}
      and pr.status in ('submitted', 'selected') and ${phaseOpen('supporting')}
      and (b.max_supports_per_heading is null or b.max_supports_per_heading > (
        select count(*) from budgets_support s join budgets_project q on q.id = s.project_id where s.user_id = ${v.userId} and q.heading_id = pr.heading_id))
    on conflict on constraint budgets_support_once do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Serialises a resident's supports in one heading until the transaction ends (both databases). */
export async function lockSupportsOf(db: Executor, userId: number, headingId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${userId}::int, ${headingId}::int)`.execute(db);
}

/** Takes a support back while the budget is in its supporting phase; false when closed or there was none. */
export async function deleteSupportWhileSupporting(
  db: Executor,
  organisationId: number,
  budgetId: number,
  projectId: number,
  userId: number,
): Promise<boolean> {
  const result = await sql`
    delete from budgets_support s using budgets_budget b
    where s.project_id = ${projectId} and s.user_id = ${userId} and s.budget_id = b.id and b.id = ${budgetId} and b.organisation_id = ${organisationId} and ${phaseOpen('supporting')}`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0) > 0;
}

export async function hasSupported(db: Executor, projectId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('budgets_support')
    .select('project_id')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The projects of a budget this resident supports. */
export async function findSupportedProjects(db: Executor, budgetId: number, userId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('budgets_support')
    .select('project_id')
    .where('budget_id', '=', budgetId)
    .where('user_id', '=', userId)
    .execute();
  return new Set(rows.map((row) => row.project_id));
}

/** How many projects of one heading this resident supports. */
export async function countSupportsInHeading(db: Executor, userId: number, headingId: number): Promise<number> {
  const result = await sql<{
    n: number;
  }>`select count(*)::int as n from budgets_support s join budgets_project q on q.id = s.project_id where s.user_id = ${userId} and q.heading_id = ${headingId}`.execute(
    db,
  );
  return result.rows[0]?.n ?? 0;
}

export async function countSupports(db: Executor, projectId: number): Promise<number> {
  const result = await sql<{
    n: number;
  }>`select count(*)::int as n from budgets_support where project_id = ${projectId}`.execute(db);
  return result.rows[0]?.n ?? 0;
}

/**
 * Staff's pre-selection: the listed projects go to review ('selected'), the others still in the running
 * are not selected ('rejected'). Withdrawn projects stay withdrawn. Returns the statuses before.
 */
export async function setPreselection(
  db: Executor,
  budgetId: number,
  selectedIds: readonly number[],
): Promise<Array<{ id: number; status: ProjectStatus }>> {
  const before = await db
    .selectFrom('budgets_project')
    .select(['id', 'status'])
    .where('budget_id', '=', budgetId)
    .where('status', '<>', 'withdrawn')
    .execute();
  const ids = selectedIds.length > 0 ? selectedIds : [0];
  await sql`
    update budgets_project set status = case when id = any(${ids}::int[]) then 'selected' else 'rejected' end, updated_at = now()
    where budget_id = ${budgetId} and status <> 'withdrawn'`.execute(db);
  return before;
}

/** A resident's supports and own projects, for their data export. */
export async function exportResidentData(db: Executor, userId: number) {
  const supports = await db
    .selectFrom('budgets_support')
    .select(['budget_id', 'project_id', 'created_at'])
    .where('user_id', '=', userId)
    .execute();
  const projects = await db
    .selectFrom('budgets_project')
    .select(['id', 'budget_id', 'title', 'description', 'proposed_cost', 'status', 'created_at'])
    .where('author_id', '=', userId)
    .execute();
  return {
    supports: supports.map((s) => ({
      budgetId: s.budget_id,
      projectId: s.project_id,
      createdAt: s.created_at.toISOString(),
    })),
    projects: projects.map((p) => ({
      id: p.id,
      budgetId: p.budget_id,
      title: json(p.title),
      description: json(p.description),
      estimatedCost: p.proposed_cost,
      status: p.status,
      createdAt: p.created_at.toISOString(),
    })),
  };
}

/**
 * Erases a resident's link to their supports and projects. Supports given in a supporting phase that is
 * still open are withdrawn, as the resident could withdraw them that day (and could support again with
 * a new account: counted once); supports whose phase has closed stay counted, without the person
 * (`user_id` null), since the pre-selection was made on them. Their projects lose their author (staff
 * reviewed them and ballots may name them), and with `removeContent` the ones that never went further
 * than proposed are deleted.
 */
export async function eraseResidentData(db: Executor, userId: number, removeContent: boolean): Promise<void> {
  await sql`delete from budgets_support s using budgets_budget b
    where s.user_id = ${userId} and b.id = s.budget_id and ${phaseOpen('supporting')}`.execute(db);
  await db.updateTable('budgets_support').set({ user_id: null }).where('user_id', '=', userId).execute();
  if (removeContent)
    await db
      .deleteFrom('budgets_project')
      .where('author_id', '=', userId)
      .where('status', 'in', ['submitted', 'withdrawn'])
      .execute();
  await db
    .updateTable('budgets_project')
    .set({ author_id: null, show_author: false })
    .where('author_id', '=', userId)
    .execute();
}

/** A project by its id alone with what decides who may discuss it (its budget's process or eligibility); withdrawn ones are left out. */
export async function findDiscussedProject(db: Executor, organisationId: number, projectId: number) {
  return db
    .selectFrom('budgets_project as p')
    .innerJoin('budgets_budget as b', 'b.id', 'p.budget_id')
    .select(['p.id', 'p.budget_id', 'b.process_id', 'b.eligibility_level', 'b.min_age', 'b.max_age'])
    .where('p.id', '=', projectId)
    .where('b.organisation_id', '=', organisationId)
    .where('p.status', '!=', 'withdrawn')
    .executeTakeFirst();
}
