import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DeliveryChangeState } from './publishing.schema.ts';
import './publishing.schema.ts';

/** A correction or withdrawal of one delivery, as the job and the post page read it. */
export interface DeliveryChange {
  id: number;
  organisationId: number;
  deliveryId: number;
  postId: number;
  postVersion: number;
  kind: 'update' | 'remove';
  state: DeliveryChangeState;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  doneAt: Date | null;
}

function changes(db: Executor) {
  return db
    .selectFrom('publishing_delivery_change as c')
    .innerJoin('publishing_delivery as d', 'd.id', 'c.delivery_id')
    .select([
      'c.id',
      'c.organisation_id as organisationId',
      'c.delivery_id as deliveryId',
      'd.post_id as postId',
      'c.post_version as postVersion',
      'c.kind',
      'c.state',
      'c.attempts',
      'c.last_error as lastError',
      'c.created_at as createdAt',
      'c.done_at as doneAt',
    ]);
}

/**
 * Stores the changes a correction or withdrawal asks of the deliveries already out; earlier changes still
 * waiting for the same deliveries are superseded (the job always sends the post as it is now).
 */
export async function insertChanges(
  db: Executor,
  organisationId: number,
  postVersion: number,
  rows: Array<{ deliveryId: number; kind: 'update' | 'remove'; supported: boolean }>,
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .updateTable('publishing_delivery_change')
    .set({ state: 'superseded', done_at: now, next_attempt_at: null })
    .where('organisation_id', '=', organisationId)
    .where(
      'delivery_id',
      'in',
      rows.map((row) => row.deliveryId),
    )
    .where('state', '=', 'pending')
    .execute();
  await db
    .insertInto('publishing_delivery_change')
    .values(
      rows.map((row) => ({
        organisation_id: organisationId,
        delivery_id: row.deliveryId,
        post_version: postVersion,
        kind: row.kind,
        state: row.supported ? ('pending' as const) : ('unsupported' as const),
        next_attempt_at: row.supported ? now : null,
        done_at: row.supported ? null : now,
      })),
    )
    .execute();
}

/** Changes whose time has come, of every city, oldest first. */
export async function findDueChanges(db: Executor, now: Date, limit = 50): Promise<DeliveryChange[]> {
  return changes(db)
    .where('c.state', '=', 'pending')
    .where('c.next_attempt_at', '<=', now)
    .orderBy('c.id')
    .limit(limit)
    .execute();
}

/** Records what the channel said; only a change still pending is moved (a later correction may have superseded it). */
export async function recordChange(
  db: Executor,
  id: number,
  values: { state: DeliveryChangeState; lastError: string | null; nextAttemptAt: Date | null },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('publishing_delivery_change')
    .set({
      state: values.state,
      last_error: values.lastError,
      next_attempt_at: values.nextAttemptAt,
      attempts: sql`attempts + 1`,
      done_at: values.state === 'pending' ? null : now,
    })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The latest change of each delivery of a post (what the post page shows beside each channel). */
export async function findLatestChangesOfPost(
  db: Executor,
  organisationId: number,
  postId: number,
): Promise<Map<number, DeliveryChange>> {
  const rows = await changes(db)
    .where('c.organisation_id', '=', organisationId)
    .where('d.post_id', '=', postId)
    .where('c.state', '<>', 'superseded')
    .orderBy('c.id', 'desc')
    .execute();
  const latest = new Map<number, DeliveryChange>();
  for (const row of rows) if (!latest.has(row.deliveryId)) latest.set(row.deliveryId, row);
  return latest;
}

/** Marks a published post corrected and gives it its next version number. */
export async function markPostCorrected(
  db: Executor,
  organisationId: number,
  postId: number,
  values: { contentWarning: Record<string, string> },
  now: Date,
): Promise<number | undefined> {
  const row = await db
    .updateTable('publishing_post')
    .set({
      content_warning: JSON.stringify(values.contentWarning),
      version: sql`version + 1`,
      corrected_at: now,
      updated_at: now,
    })
    .where('id', '=', postId)
    .where('organisation_id', '=', organisationId)
    .where('state', '=', 'published')
    .returning('version')
    .executeTakeFirst();
  return row?.version;
}

/** Withdraws a post that is out or going out: no longer shown anywhere, its banner unpinned. */
export async function markPostWithdrawn(
  db: Executor,
  organisationId: number,
  postId: number,
  reason: string,
  now: Date,
): Promise<number | undefined> {
  const row = await db
    .updateTable('publishing_post')
    .set({ state: 'withdrawn', withdrawn_at: now, withdrawn_reason: reason, pinned_until: null, updated_at: now })
    .where('id', '=', postId)
    .where('organisation_id', '=', organisationId)
    .where('state', 'in', ['published', 'publishing'])
    .returning('version')
    .executeTakeFirst();
  return row?.version;
}

/** Deliveries of a withdrawn post not yet sent are not sent at all. */
export async function cancelUnsentDeliveries(db: Executor, organisationId: number, postId: number): Promise<void> {
  await db
    .updateTable('publishing_delivery')
    .set({ state: 'removed', next_check_at: null })
    .where('organisation_id', '=', organisationId)
    .where('post_id', '=', postId)
    .where('state', 'in', ['pending', 'failed'])
    .execute();
}

/** A delivery whose post the channel no longer shows. */
export async function markDeliveryRemoved(db: Executor, deliveryId: number): Promise<void> {
  await db
    .updateTable('publishing_delivery')
    .set({ state: 'removed', next_check_at: null })
    .where('id', '=', deliveryId)
    .execute();
}
