import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Database, Translated } from '../../platform/db/schema.ts';
import './budgets.schema.ts';
import type { PhaseDates } from './budgets.repository.ts';
import type { FollowUpStatus } from './budgets.schema.ts';

/** Writes of the budget administration (staff): budgets, phases, headings, projects, follow-up, results. */

type BudgetValues = Omit<Insertable<Database['budgets_budget']>, 'organisation_id'>;
type ProjectValues = Omit<Insertable<Database['budgets_project']>, 'organisation_id' | 'budget_id' | 'author_id'>;

/** Stores a new budget and returns its id. */
export async function insertBudget(db: Executor, organisationId: number, values: BudgetValues): Promise<number> {
  const row = await db
    .insertInto('budgets_budget')
    .values({ organisation_id: organisationId, ...values })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Changes a budget's settings. */
export async function updateBudgetRow(
  db: Executor,
  budgetId: number,
  values: Updateable<Database['budgets_budget']>,
): Promise<void> {
  await db.updateTable('budgets_budget').set(values).where('id', '=', budgetId).execute();
}

/** Whether anyone has a ballot in this budget. */
export async function budgetHasBallots(db: Executor, budgetId: number): Promise<boolean> {
  const row = await db
    .selectFrom('budgets_ballot')
    .select('id')
    .where('budget_id', '=', budgetId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Replaces a budget's phases with these (inside the caller's transaction). The budget's row is locked
 * first, so two saves at once run one after the other: otherwise both delete the old phases and the
 * second insert fails on the primary key.
 */
export async function replacePhases(
  db: Executor,
  organisationId: number,
  budgetId: number,
  phases: readonly PhaseDates[],
): Promise<void> {
  await db.selectFrom('budgets_budget').select('id').where('id', '=', budgetId).forUpdate().execute();
  await db.deleteFrom('budgets_phase').where('budget_id', '=', budgetId).execute();
  if (phases.length > 0)
    await db
      .insertInto('budgets_phase')
      .values(
        phases.map((p) => ({
          organisation_id: organisationId,
          budget_id: budgetId,
          kind: p.kind,
          starts_at: p.startsAt,
          ends_at: p.endsAt,
        })),
      )
      .execute();
}

/** Whether the budget already has a heading for this district (null: the city-wide heading). */
export async function headingExists(db: Executor, budgetId: number, districtId: number | null): Promise<boolean> {
  const taken = await db
    .selectFrom('budgets_heading')
    .select('id')
    .where('budget_id', '=', budgetId)
    .where((eb) => (districtId === null ? eb('district_id', 'is', null) : eb('district_id', '=', districtId)))
    .executeTakeFirst();
  return taken !== undefined;
}

/** Stores a heading and returns its id. */
export async function insertHeading(
  db: Executor,
  organisationId: number,
  budgetId: number,
  heading: { name: Translated; districtId: number | null; amount: number },
): Promise<number> {
  const row = await db
    .insertInto('budgets_heading')
    .values({
      organisation_id: organisationId,
      budget_id: budgetId,
      name: JSON.stringify(heading.name),
      district_id: heading.districtId,
      amount: heading.amount,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Whether a project is on anyone's ballot in its heading. */
export async function isProjectOnBallot(db: Executor, headingId: number, projectId: number): Promise<boolean> {
  const onBallot = await sql<{
    found: number;
  }>`select 1 as found from budgets_ballot where heading_id = ${headingId} and project_ids @> array[${projectId}]::int[] limit 1`.execute(
    db,
  );
  return onBallot.rows.length > 0;
}

/** Stores a project written by staff (no author) and returns its id. */
export async function insertStaffProject(
  db: Executor,
  organisationId: number,
  budgetId: number,
  values: ProjectValues,
): Promise<number> {
  const row = await db
    .insertInto('budgets_project')
    .values({ organisation_id: organisationId, budget_id: budgetId, author_id: null, ...values })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Changes a project's texts, heading, cost, review and status. */
export async function updateProjectRow(
  db: Executor,
  projectId: number,
  values: Updateable<Database['budgets_project']>,
): Promise<void> {
  await db.updateTable('budgets_project').set(values).where('id', '=', projectId).execute();
}

/** Sets a funded project's follow-up status and progress. */
export async function updateProjectFollowUp(
  db: Executor,
  projectId: number,
  followUp: { status: FollowUpStatus; progress: number },
): Promise<void> {
  await db
    .updateTable('budgets_project')
    .set({ follow_up_status: followUp.status, progress: followUp.progress, updated_at: new Date() })
    .where('id', '=', projectId)
    .execute();
}

/** Sets a project's progress (a milestone with a figure). */
export async function updateProjectProgress(db: Executor, projectId: number, progress: number): Promise<void> {
  await db
    .updateTable('budgets_project')
    .set({ progress, updated_at: new Date() })
    .where('id', '=', projectId)
    .execute();
}

/** Stores a milestone of a project's follow-up and returns its id. */
export async function insertMilestone(
  db: Executor,
  organisationId: number,
  projectId: number,
  milestone: { title: Translated; description: Translated; happenedOn: string; progress: number | null },
): Promise<number> {
  const row = await db
    .insertInto('budgets_milestone')
    .values({
      organisation_id: organisationId,
      project_id: projectId,
      title: JSON.stringify(milestone.title),
      description: JSON.stringify(milestone.description),
      happened_on: milestone.happenedOn,
      progress: milestone.progress,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Marks exactly these projects of a budget as funded (the others not), and puts the newly funded
 * ones whose follow-up has not started at 'planned'.
 */
export async function markFundedProjects(db: Executor, budgetId: number, funded: readonly number[]): Promise<void> {
  await db.updateTable('budgets_project').set({ funded: false }).where('budget_id', '=', budgetId).execute();
  if (funded.length > 0) {
    await db
      .updateTable('budgets_project')
      .set({ funded: true })
      .where('id', 'in', [...funded])
      .execute();
    await db
      .updateTable('budgets_project')
      .set({ follow_up_status: 'planned' })
      .where('id', 'in', [...funded])
      .where('follow_up_status', 'is', null)
      .execute();
  }
}

/** Records that a budget's results are published (now). */
export async function markResultsPublished(db: Executor, budgetId: number): Promise<void> {
  await db.updateTable('budgets_budget').set({ results_published_at: new Date() }).where('id', '=', budgetId).execute();
}

/** A voter's own ballots, for their data export. */
export async function findBallotsOfUser(db: Executor, userId: number) {
  return db
    .selectFrom('budgets_ballot')
    .select(['budget_id', 'heading_id', 'project_ids', 'votes', 'created_at', 'updated_at'])
    .where('user_id', '=', userId)
    .execute();
}
