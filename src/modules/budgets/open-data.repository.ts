// The public part of participatory budgets for the open-data module: budgets, projects (never their
// authors), published results only (never ballots), and the follow-up milestones; keyset pages by id.

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

export async function pagePublicBudgets(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('budgets_budget')
    .select([
      'id',
      'process_id',
      'title',
      'description',
      'voting_rule',
      'max_projects',
      'max_votes',
      'results_method',
      'results_published_at',
      'created_at',
    ])
    .where('organisation_id', '=', organisationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Projects, except those their authors withdrew. */
export async function pagePublicProjects(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('budgets_project as p')
    .innerJoin('budgets_heading as h', 'h.id', 'p.heading_id')
    .select([
      'p.id',
      'p.budget_id',
      'p.heading_id',
      'h.name as heading_name',
      'h.district_id',
      'p.title',
      'p.description',
      'p.cost',
      'p.feasibility',
      'p.feasibility_explanation',
      'p.status',
      'p.funded',
      'p.follow_up_status',
      'p.progress',
      'p.lat',
      'p.lng',
      'p.created_at',
      'p.updated_at',
    ])
    .where('p.organisation_id', '=', organisationId)
    .where('p.status', '!=', 'withdrawn')
    .where('p.id', '>', afterId)
    .orderBy('p.id')
    .limit(limit)
    .execute();
}

/** Results of budgets whose results are published, one row per project (keyed by the project). */
export async function pagePublishedResults(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('budgets_result as r')
    .innerJoin('budgets_budget as b', 'b.id', 'r.budget_id')
    .select([
      'r.project_id as id',
      'r.budget_id',
      'r.heading_id',
      'r.title',
      'r.cost',
      'r.method',
      'r.ballots',
      'r.votes',
      'r.funded',
      'r.position',
      'b.results_published_at',
    ])
    .where('r.organisation_id', '=', organisationId)
    .where('b.results_published_at', 'is not', null)
    .where('r.project_id', '>', afterId)
    .orderBy('r.project_id')
    .limit(limit)
    .execute();
}

/** Follow-up of funded projects: milestones with their progress. */
export async function pagePublicMilestones(db: Executor, organisationId: number, afterId: number, limit: number) {
  return db
    .selectFrom('budgets_milestone as m')
    .innerJoin('budgets_project as p', 'p.id', 'm.project_id')
    .select([
      'm.id',
      'm.project_id',
      'p.budget_id',
      'm.title',
      'm.description',
      'm.happened_on',
      'm.progress',
      'p.follow_up_status',
    ])
    .where('m.organisation_id', '=', organisationId)
    .where('m.id', '>', afterId)
    .orderBy('m.id')
    .limit(limit)
    .execute();
}

/** When a budgets dataset last changed. */
export async function budgetsModified(
  db: Executor,
  organisationId: number,
  dataset: 'budgets' | 'projects' | 'results' | 'milestones',
): Promise<Date | null> {
  const stamp = {
    budgets: ['budgets_budget', sql<Date | null>`max(greatest(created_at, results_published_at))`],
    projects: ['budgets_project', sql<Date | null>`max(updated_at)`],
    results: ['budgets_budget', sql<Date | null>`max(results_published_at)`],
    milestones: ['budgets_milestone', sql<Date | null>`max(created_at)`],
  } as const;
  const [table, newest] = stamp[dataset];
  const row = await db
    .selectFrom(table)
    .select(newest.as('at'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}
