import { createHash } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Viewer } from '../../platform/auth/users.ts';
import type { Executor } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { recordEvent } from '../../platform/events.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { isOnBallot, votingState } from './ballot-rules.ts';
import { markFundedProjects, markResultsPublished } from './budget-admin.repository.ts';
import { resultsPublished } from './budgets.events.ts';
import { authorizeBudgets } from './budgets.policy.ts';
import { findBudget, findHeadings, findProjects, type Budget, type Heading } from './budgets.repository.ts';
import {
  countBallots,
  countVotes,
  findBallotGroups,
  findResults,
  replaceResults,
  type StoredResult,
} from './results.repository.ts';
import { equalShares, winnersByVotes, type HeadingOutcome } from './results.ts';

export interface HeadingResults {
  heading: Heading;
  voters: number;
  spent: number;
  rows: Array<{
    projectId: number;
    title: Translated;
    cost: number;
    ballots: number;
    votes: number;
    funded: boolean;
    note: string;
  }>;
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
  const byId = new Map(projects.map((project) => [project.id, project]));
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
      title: byId.get(entry.id)?.title ?? {},
      cost: byId.get(entry.id)?.cost ?? 0,
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
  return { budget, headings: await countHeadings(ctx.db, budget) };
}

async function countHeadings(db: Executor, budget: Budget): Promise<HeadingResults[]> {
  const headings: HeadingResults[] = [];
  for (const heading of await findHeadings(db, budget.id))
    headings.push(await computeHeadingResults(db, budget, heading));
  return headings;
}

/** A project's place in one count: its rank in its heading, its votes and whether it is funded. */
export interface ResultStanding {
  position: number;
  votes: number;
  funded: boolean;
}

/** A project whose result differs between the published results and the count now (absent on one side: undefined). */
export interface ResultChange {
  headingId: number;
  projectId: number;
  title: Translated;
  published: ResultStanding | undefined;
  now: ResultStanding | undefined;
}

/**
 * What re-publishing would change: every project whose rank, votes or funding differs between the
 * published results and the count now, heading by heading in the order of the new count (projects no
 * longer counted last).
 */
export function resultChanges(published: readonly StoredResult[], now: readonly HeadingResults[]): ResultChange[] {
  const before = new Map(published.map((row) => [`${row.headingId}:${row.projectId}`, row]));
  const changes: ResultChange[] = [];
  const seen = new Set<string>();
  for (const heading of now) {
    heading.rows.forEach((row, index) => {
      const key = `${heading.heading.id}:${row.projectId}`;
      seen.add(key);
      const old = before.get(key);
      const standing = { position: index + 1, votes: row.votes, funded: row.funded };
      if (old && old.position === standing.position && old.votes === standing.votes && old.funded === standing.funded)
        return;
      changes.push({
        headingId: heading.heading.id,
        projectId: row.projectId,
        title: row.title,
        published: old ? { position: old.position, votes: old.votes, funded: old.funded } : undefined,
        now: standing,
      });
    });
  }
  for (const old of published) {
    if (seen.has(`${old.headingId}:${old.projectId}`)) continue;
    changes.push({
      headingId: old.headingId,
      projectId: old.projectId,
      title: old.title,
      published: { position: old.position, votes: old.votes, funded: old.funded },
      now: undefined,
    });
  }
  return changes;
}

/**
 * A short fingerprint of a count: the page that shows staff what re-publishing changes sends it back,
 * and publishing again goes ahead only when the count is still the one they saw.
 */
export function countFingerprint(headings: readonly HeadingResults[]): string {
  const figures = headings.map((h) => [
    h.heading.id,
    h.heading.amount,
    h.voters,
    h.spent,
    h.rows.map((r) => [r.projectId, r.cost, r.ballots, r.votes, r.funded, r.note]),
  ]);
  return createHash('sha256').update(JSON.stringify(figures)).digest('hex').slice(0, 32);
}

/** The published results against the count now, for the staff page (undefined before the first publication). */
export async function compareWithPublished(
  ctx: AppContext,
  viewer: Viewer | null,
  budget: Budget,
  now: readonly HeadingResults[],
): Promise<{ changes: ResultChange[]; headingsChanged: number[]; fingerprint: string } | undefined> {
  authorizeBudgets(viewer, 'manage-budgets');
  if (!budget.resultsPublishedAt) return undefined;
  const stored = await findResults(ctx.db, budget.id);
  const headingsChanged = now
    .filter((h) => {
      const old = stored.headings.get(h.heading.id);
      return !old || old.voters !== h.voters || old.spent !== h.spent;
    })
    .map((h) => h.heading.id);
  return { changes: resultChanges(stored.results, now), headingsChanged, fingerprint: countFingerprint(now) };
}

export type PublishOutcome =
  | { ok: true; headings: HeadingResults[]; changes: ResultChange[] }
  | {
      ok: false;
      code: 'BUDGET_RESULTS_VOTING_OPEN' | 'BUDGET_RESULTS_BEFORE_VOTING' | 'BUDGET_RESULTS_REPUBLISH_UNCONFIRMED';
    };

/**
 * Counts the ballots and publishes the results once voting is over: stores the counts and winners of
 * every heading with each project's title and cost and each heading's amount as they are now (a
 * snapshot the public sees until the results are published again), marks funded projects (their
 * follow-up starts as "planned") and dates the publication. While voting is open or still to come
 * nothing is published.
 *
 * Publishing again replaces the published results, so it needs staff to confirm the count they were
 * shown: `confirm` is that count's fingerprint (`countFingerprint`), or `true` for a client that asks
 * for the replacement outright (the API's `republish`). A count that changed meanwhile is refused,
 * and staff see the changes again. The budget's row is locked throughout, so the phases cannot change
 * and no second publication can interleave. Only aggregates are stored: who voted for what never
 * leaves the ballots table.
 */
export async function publishResults(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  budgetId: number,
  confirm?: string | true,
): Promise<PublishOutcome> {
  authorizeBudgets(viewer, 'manage-budgets');
  return ctx.db.transaction().execute(async (tx): Promise<PublishOutcome> => {
    const budget = await findBudget(tx, organisation.id, budgetId, { lock: 'update' });
    if (!budget) throw new AppError('BUDGET_NOT_FOUND');
    const state = votingState(budget);
    if (state === 'open') return { ok: false, code: 'BUDGET_RESULTS_VOTING_OPEN' };
    if (state === 'to-come') return { ok: false, code: 'BUDGET_RESULTS_BEFORE_VOTING' };
    const headings = await countHeadings(tx, budget);
    let changes: ResultChange[] = [];
    if (budget.resultsPublishedAt) {
      if (confirm !== true && confirm !== countFingerprint(headings))
        return { ok: false, code: 'BUDGET_RESULTS_REPUBLISH_UNCONFIRMED' };
      changes = resultChanges((await findResults(tx, budget.id)).results, headings);
    }
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
        cost: row.cost,
        title: row.title,
      })),
    );
    const funded = rows.filter((row) => row.funded).map((row) => row.projectId);
    await replaceResults(
      tx,
      budget.organisationId,
      budget.id,
      rows,
      headings.map((h) => ({ headingId: h.heading.id, voters: h.voters, spent: h.spent, amount: h.heading.amount })),
    );
    await markFundedProjects(tx, budget.id, funded);
    await markResultsPublished(tx, budget.id);
    await recordEvent(tx, organisation.id, 'budget.results_published', resultsPublished(budget, funded));
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: budget.resultsPublishedAt ? 'budget.results.republish' : 'budget.results.publish',
      subjectType: 'budget',
      subjectId: budget.id,
      after: {
        method: budget.resultsMethod,
        funded,
        voters: headings.map((h) => ({ headingId: h.heading.id, voters: h.voters })),
        ...(budget.resultsPublishedAt
          ? {
              changed: changes.map((c) => ({
                projectId: c.projectId,
                published: c.published ?? null,
                now: c.now ?? null,
              })),
            }
          : {}),
      },
    });
    return { ok: true, headings, changes };
  });
}
