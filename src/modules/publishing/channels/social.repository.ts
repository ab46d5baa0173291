import { sql } from 'kysely';
import type { Db } from '../../../platform/db/database.ts';
import '../publishing.schema.ts';

/**
 * Keeps what an adapter must know to resolve a doubtful publish (the request it is about to send, the
 * container it made) in the delivery's `adapter_state`, merged into what is there, BEFORE the request
 * that may leave doubt: a publish that throws returns no state, and `status` (maybe after a restart)
 * reads it from the delivery. No row changes when the delivery is not found.
 */
export async function rememberAdapterState(
  db: Db,
  organisationId: number,
  deliveryId: number,
  patch: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('publishing_delivery')
    .set({ adapter_state: sql<string>`adapter_state || ${JSON.stringify(patch)}::jsonb` })
    .where('id', '=', deliveryId)
    .where('organisation_id', '=', organisationId)
    .execute();
}
