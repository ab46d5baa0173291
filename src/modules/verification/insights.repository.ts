// What the insights module reads of verification, through index.ts: how many accounts were verified.

import type { Executor } from '../../platform/db/database.ts';

/** Accounts whose identity was verified in [from, to). */
export async function countVerifiedBetween(
  db: Executor,
  organisationId: number,
  from: Date,
  to: Date,
): Promise<number> {
  const row = await db
    .selectFrom('verification_identity')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('verified_at', '>=', from)
    .where('verified_at', '<', to)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
