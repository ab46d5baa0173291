import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { EventCursor } from '../../platform/events.ts';
import type { DeliveryStatus } from './webhooks.schema.ts';

export async function findCursor(db: Executor, organisationId: number): Promise<EventCursor | null> {
  const row = await db
    .selectFrom('webhooks_cursor')
    .select([sql<string>`tx::text`.as('tx'), sql<string>`event_id::text`.as('id')])
    .where('organisation_id', '=', organisationId)
    .forUpdate()
    .executeTakeFirst();
  return row ?? null;
}

export async function storeCursor(db: Executor, organisationId: number, cursor: EventCursor): Promise<void> {
  await sql`
    insert into webhooks_cursor (organisation_id, tx, event_id) values (${organisationId}, ${cursor.tx}::xid8, ${cursor.id}::bigint)
    on conflict (organisation_id) do update set tx = excluded.tx, event_id = excluded.event_id, updated_at = now()`.execute(
    db,
  );
}

export interface NewDelivery {
  organisationId: number;
  subscriptionId: number;
  messageId: string;
  eventType: string;
  body: string;
}

/** Queues deliveries; one already queued for the same message and subscription is kept as it is. */
export async function insertDeliveries(db: Executor, deliveries: readonly NewDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await db
    .insertInto('webhooks_delivery')
    .values(
      deliveries.map((d) => ({
        organisation_id: d.organisationId,
        subscription_id: d.subscriptionId,
        message_id: d.messageId,
        event_type: d.eventType,
        body: d.body,
      })),
    )
    .onConflict((oc) => oc.columns(['subscription_id', 'message_id']).doNothing())
    .execute();
}

export interface ClaimedDelivery {
  id: string;
  organisationId: number;
  subscriptionId: number;
  messageId: string;
  body: string;
  retryStep: number;
  manual: boolean;
  createdAt: Date;
}

/**
 * Takes up to `limit` due deliveries of active subscriptions (or ones whose worker's lease ran out) for
 * two minutes, skipping those another worker holds.
 */
export async function claimDueDeliveries(db: Executor, limit: number): Promise<ClaimedDelivery[]> {
  const result = await sql<ClaimedDelivery>`
    update webhooks_delivery set status = 'sending', locked_until = now() + interval '2 minutes'
    where id in (
      select d.id from webhooks_delivery d
      join webhooks_subscription s on s.id = d.subscription_id
      where s.status = 'active'
        and ((d.status = 'pending' and d.next_attempt_at <= now()) or (d.status = 'sending' and d.locked_until < now()))
      order by d.next_attempt_at
      limit ${limit}
      for update of d skip locked
    )
    returning id::text as "id", organisation_id as "organisationId", subscription_id as "subscriptionId",
      message_id as "messageId", body, retry_step as "retryStep", manual, created_at as "createdAt"`.execute(db);
  return result.rows;
}

export interface AttemptResult {
  deliveryId: string;
  organisationId: number;
  attemptedAt: Date;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  /** What becomes of the delivery: done, tried again at `nextAttemptAt`, or given up. */
  outcome: { status: 'succeeded' } | { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };
}

/** Stores a round of attempts and the deliveries' new state, in one statement for each. */
export async function recordAttempts(db: Executor, results: readonly AttemptResult[]): Promise<void> {
  if (results.length === 0) return;
  await db
    .insertInto('webhooks_attempt')
    .values(
      results.map((r) => ({
        organisation_id: r.organisationId,
        delivery_id: r.deliveryId,
        attempted_at: r.attemptedAt,
        response_status: r.responseStatus,
        duration_ms: r.durationMs,
        error: r.error,
      })),
    )
    .execute();
  const rows = results.map(
    (r) =>
      sql`(${r.deliveryId}::bigint, ${r.outcome.status}::text, ${r.outcome.status === 'pending' ? r.outcome.nextAttemptAt : null}::timestamptz, ${r.responseStatus}::integer, ${r.durationMs}::integer, ${r.error}::text, ${r.attemptedAt}::timestamptz)`,
  );
  await sql`
    update webhooks_delivery d set
      status = v.status,
      attempts = d.attempts + 1,
      retry_step = case when v.status = 'pending' then d.retry_step + 1 else d.retry_step end,
      next_attempt_at = coalesce(v.next_at, d.next_attempt_at),
      locked_until = null,
      last_status = v.response_status,
      last_duration_ms = v.duration_ms,
      last_error = v.error,
      finished_at = case when v.status = 'pending' then null else v.attempted_at end
    from (values ${sql.join(rows)}) as v (id, status, next_at, response_status, duration_ms, error, attempted_at)
    where d.id = v.id`.execute(db);
}

export interface DeliveryRow {
  id: string;
  messageId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatus: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The latest deliveries of a subscription, newest first. */
export async function findDeliveries(
  db: Executor,
  organisationId: number,
  subscriptionId: number,
  limit: number,
): Promise<DeliveryRow[]> {
  return db
    .selectFrom('webhooks_delivery')
    .select([
      sql<string>`id::text`.as('id'),
      'message_id as messageId',
      'event_type as eventType',
      'status',
      'attempts',
      'next_attempt_at as nextAttemptAt',
      'last_status as lastStatus',
      'last_duration_ms as lastDurationMs',
      'last_error as lastError',
      'created_at as createdAt',
      'finished_at as finishedAt',
    ])
    .where('organisation_id', '=', organisationId)
    .where('subscription_id', '=', subscriptionId)
    .orderBy('webhooks_delivery.id', 'desc')
    .limit(limit)
    .execute();
}

export async function countDeliveries(
  db: Executor,
  organisationId: number,
  subscriptionId: number,
): Promise<Record<DeliveryStatus, number>> {
  const rows = await db
    .selectFrom('webhooks_delivery')
    .select(['status'])
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('organisation_id', '=', organisationId)
    .where('subscription_id', '=', subscriptionId)
    .groupBy('status')
    .execute();
  const counts: Record<DeliveryStatus, number> = { pending: 0, sending: 0, succeeded: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

export async function findDelivery(db: Executor, organisationId: number, subscriptionId: number, id: string) {
  return db
    .selectFrom('webhooks_delivery')
    .select([sql<string>`id::text`.as('id'), 'message_id as messageId', 'event_type as eventType', 'body', 'status'])
    .where('organisation_id', '=', organisationId)
    .where('subscription_id', '=', subscriptionId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findAttempts(db: Executor, deliveryId: string) {
  return db
    .selectFrom('webhooks_attempt')
    .select(['attempted_at as attemptedAt', 'response_status as responseStatus', 'duration_ms as durationMs', 'error'])
    .where('delivery_id', '=', deliveryId)
    .orderBy('id')
    .execute();
}

/** Queues one more attempt of a finished delivery, now, with the same message id. */
export async function markForRedelivery(db: Executor, id: string): Promise<boolean> {
  const result = await db
    .updateTable('webhooks_delivery')
    .set({ status: 'pending', manual: true, next_attempt_at: new Date(), finished_at: null })
    .where('id', '=', id)
    .where('status', 'in', ['succeeded', 'failed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** After a resume: what waits is tried now rather than at its scheduled retry. */
export async function retryWaitingNow(db: Executor, subscriptionId: number): Promise<void> {
  await db
    .updateTable('webhooks_delivery')
    .set({ next_attempt_at: new Date() })
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .execute();
}

/** Removes finished deliveries (and their attempts) older than `before`. */
export async function pruneDeliveries(db: Executor, before: Date): Promise<void> {
  await db
    .deleteFrom('webhooks_delivery')
    .where('status', 'in', ['succeeded', 'failed'])
    .where('created_at', '<', before)
    .execute();
}
