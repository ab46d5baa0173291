import type { Db } from '../../platform/db/database.ts';
import type { BallotBudget, BallotVoter } from './ballots.repository.ts';

/** How long a budget or a voter read for a ballot is remembered, and how many voters are. */
const REMEMBER_MS = 60_000;
const MAX_VOTERS = 50_000;

interface Remembered<T> {
  value: T;
  readAt: number;
}

/**
 * Budgets and voters as the last ballot read them, per database, so that a voter who changes their
 * ballot again costs one statement. What is remembered is never trusted on its own: a ballot checked
 * against it is stored only by a statement that confirms, in the same step, that none of it has
 * changed (`BallotGuard`), and a ballot it would refuse is checked again on fresh data first. So a
 * stale entry costs a second round trip, never a wrong answer.
 */
export class BallotMemory {
  private readonly budgets = new Map<string, Remembered<BallotBudget>>();
  private readonly voters = new Map<string, Remembered<BallotVoter>>();

  budget(organisationId: number, budgetId: number): BallotBudget | undefined {
    return fresh(this.budgets.get(`${organisationId}:${budgetId}`));
  }

  voter(organisationId: number, userId: number): BallotVoter | undefined {
    return fresh(this.voters.get(`${organisationId}:${userId}`));
  }

  remember(organisationId: number, budget: BallotBudget, userId: number, voter: BallotVoter): void {
    const readAt = Date.now();
    this.budgets.set(`${organisationId}:${budget.budget.id}`, { value: budget, readAt });
    if (this.voters.size >= MAX_VOTERS) this.voters.clear();
    this.voters.set(`${organisationId}:${userId}`, { value: voter, readAt });
  }

  forget(organisationId: number, budgetId: number, userId: number): void {
    this.budgets.delete(`${organisationId}:${budgetId}`);
    this.voters.delete(`${organisationId}:${userId}`);
  }
}

function fresh<T>(entry: Remembered<T> | undefined): T | undefined {
  return entry && Date.now() - entry.readAt <= REMEMBER_MS ? entry.value : undefined;
}

const memories = new WeakMap<Db, BallotMemory>();

/** The memory of one database (one per platform: tests run several in one process). */
export function ballotMemory(db: Db): BallotMemory {
  let memory = memories.get(db);
  if (!memory) {
    memory = new BallotMemory();
    memories.set(db, memory);
  }
  return memory;
}
