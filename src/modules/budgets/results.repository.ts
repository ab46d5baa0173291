/** Counting the ballots of a heading, and the stored results of a budget (results.use-cases.ts, the results pages). */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { json } from './budgets.repository.ts';
import './budgets.schema.ts';
import type { ResultsMethod } from './budgets.schema.ts';

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

/** One project's published result, with its title and cost as they were when published. */
export interface StoredResult {
  headingId: number;
  projectId: number;
  method: ResultsMethod;
  ballots: number;
  votes: number;
  funded: boolean;
  position: number;
  note: string | null;
  cost: number;
  title: Translated;
}

/** A heading's published totals, with its amount as it was when published. */
export interface StoredHeadingResult {
  headingId: number;
  voters: number;
  spent: number;
  amount: number;
}

/** The published results of a budget (a snapshot: later changes to projects do not reach it), by heading and position. */
export async function findResults(
  db: Executor,
  budgetId: number,
): Promise<{ results: StoredResult[]; headings: Map<number, StoredHeadingResult> }> {
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
      cost: row.cost,
      title: json(row.title) as Translated,
    })),
    headings: new Map(
      headingRows.map((row) => [
        row.heading_id,
        { headingId: row.heading_id, voters: row.voters, spent: row.spent, amount: row.amount },
      ]),
    ),
  };
}

/** Replaces the stored results of a budget (in the caller's transaction). */
export async function replaceResults(
  db: Executor,
  organisationId: number,
  budgetId: number,
  results: StoredResult[],
  headings: StoredHeadingResult[],
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
          cost: r.cost,
          title: JSON.stringify(r.title),
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
          amount: h.amount,
        })),
      )
      .execute();
  }
}
