// What the insights module reads of budgets, through index.ts: ballots cast in a period per process.

import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** Ballots (one per voter and heading) cast in [from, to), per participation process of their budget. */
export async function ballotsPerProcessBetween(
  db: Executor,
  organisationId: number,
  from: Date,
  to: Date,
): Promise<Array<{ processId: number; ballots: number; voters: number }>> {
  const result = await sql<{ process_id: number; ballots: string; voters: string }>`
    select b.process_id, count(*) as ballots, count(distinct v.user_id) as voters
    from budgets_ballot v join budgets_budget b on b.id = v.budget_id
    where v.organisation_id = ${organisationId} and b.process_id is not null
      and v.created_at >= ${from} and v.created_at < ${to}
    group by b.process_id`.execute(db);
  return result.rows.map((row) => ({
    processId: row.process_id,
    ballots: Number(row.ballots),
    voters: Number(row.voters),
  }));
}
