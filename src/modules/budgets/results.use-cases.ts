import type { AppContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { isOnBallot } from './ballot-rules.ts';
import { markFundedProjects, markResultsPublished } from './budget-admin.repository.ts';
import { authorizeBudgets } from './budgets.policy.ts';
import { findBudget, findHeadings, findProjects, type Budget, type Heading } from './budgets.repository.ts';
import { countBallots, countVotes, findBallotGroups, replaceResults, type StoredResult } from './results.repository.ts';
import { equalShares, winnersByVotes, type HeadingOutcome } from './results.ts';

export interface HeadingResults {
  heading: Heading;
  voters: number;
  spent: number;
  rows: Array<{ projectId: number; ballots: number; votes: number; funded: boolean; note: string }>;
}

/**
 * Computes a heading's results from its ballots: counts per project in one aggregate query, then winners
 * by votes or — when the budget asks for it — the Method of Equal Shares on the ballots grouped by
 * identical choice. Only projects that were on the ballot take part.
 */
export async function computeHeadingResults(db: Executor, budget: Budget, heading: Heading): Promise<HeadingResults> {
  const projects = (await findProjects(db, budget.id, { headingId: heading.id })).filter(isOnBallot);
  const counts = await countVotes(db, heading.id);
  const voters = await countBallots(db, heading.id);
  const candidates = projects.map((project) => ({
    id: project.id,
    cost: project.cost,
    votes: counts.get(project.id)?.votes ?? 0,
  }));
  let outcome: HeadingOutcome;
  if (budget.resultsMethod === 'equal_shares')
    outcome = equalShares(heading.amount, candidates, await findBallotGroups(db, heading.id));
  else outcome = winnersByVotes(heading.amount, candidates);
  return {
    heading,
    voters,
    spent: outcome.spent,
    rows: outcome.ranking.map((entry) => ({
      projectId: entry.id,
      ballots: counts.get(entry.id)?.ballots ?? 0,
      votes: counts.get(entry.id)?.votes ?? 0,
      funded: entry.funded,
      note: entry.note,
    })),
  };
}

/** Results of every heading of a budget, computed now (staff preview; the public sees published ones). */
export async function computeResults(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
): Promise<{ budget: Budget; headings: HeadingResults[] }> {
  authorizeBudgets(viewer, 'manage-budgets');
  const budget = await findBudget(ctx.db, organisation.id, budgetId);
  if (!budget) throw new AppError('BUDGET_NOT_FOUND');
  const headings: HeadingResults[] = [];
  for (const heading of await findHeadings(ctx.db, budget.id))
    headings.push(await computeHeadingResults(ctx.db, budget, heading));
  return { budget, headings };
}

/**
 * Computes and publishes the results: stores the counts and winners of every heading, marks funded
 * projects (their follow-up starts as "planned") and dates the publication. Publishing again replaces
 * the previous figures. Only aggregates are stored: who voted for what never leaves the ballots table.
 */
export async function publishResults(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
): Promise<{ headings: HeadingResults[] }> {
  const { budget, headings } = await computeResults(ctx, viewer, organisation, budgetId);
  authorizeBudgets(viewer, 'manage-budgets');
  const rows: StoredResult[] = headings.flatMap((h) =>
    h.rows.map((row, position) => ({
      headingId: h.heading.id,
      projectId: row.projectId,
      method: budget.resultsMethod,
      ballots: row.ballots,
      votes: row.votes,
      funded: row.funded,
      position: position + 1,
      note: row.note,
    })),
  );
  const funded = rows.filter((row) => row.funded).map((row) => row.projectId);
  await ctx.db.transaction().execute(async (tx) => {
    await replaceResults(
      tx,
      budget.organisationId,
      budget.id,
      rows,
      headings.map((h) => ({ headingId: h.heading.id, voters: h.voters, spent: h.spent })),
    );
    await markFundedProjects(tx, budget.id, funded);
    await markResultsPublished(tx, budget.id);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'budget.results.publish',
      subjectType: 'budget',
      subjectId: budget.id,
      after: {
        method: budget.resultsMethod,
        funded,
        voters: headings.map((h) => ({ headingId: h.heading.id, voters: h.voters })),
      },
    });
  });
  return { headings };
}
