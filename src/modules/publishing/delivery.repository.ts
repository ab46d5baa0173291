import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DeliveryRowState } from './publishing.schema.ts';
import './publishing.schema.ts';

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export interface Delivery {
  id: number;
  organisationId: number;
  postId: number;
  destinationId: number;
  language: string;
  state: DeliveryRowState;
  idempotencyKey: string;
  remoteId: string | null;
  remoteUrl: string | null;
  adapterState: Record<string, unknown>;
  attempts: number;
  checks: number;
  lastError: string | null;
  publishedAt: Date | null;
  metrics: Record<string, number>;
}

type Row = {
  id: number;
  organisation_id: number;
  post_id: number;
  destination_id: number;
  language: string;
  state: DeliveryRowState;
  idempotency_key: string;
  remote_id: string | null;
  remote_url: string | null;
  adapter_state: Record<string, unknown> | string;
  attempts: number;
  checks: number;
  last_error: string | null;
  published_at: Date | null;
  metrics: Record<string, number> | string;
};

function toDelivery(row: Row): Delivery {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    postId: row.post_id,
    destinationId: row.destination_id,
    language: row.language,
    state: row.state,
    idempotencyKey: row.idempotency_key,
    remoteId: row.remote_id,
    remoteUrl: row.remote_url,
    adapterState: json(row.adapter_state),
    attempts: row.attempts,
    checks: row.checks,
    lastError: row.last_error,
    publishedAt: row.published_at,
    metrics: json(row.metrics),
  };
}

/** Scheduled posts whose time has come, of every city. */
export async function findDuePostIds(db: Executor, now: Date): Promise<Array<{ id: number; organisationId: number }>> {
  const rows = await db
    .selectFrom('publishing_post')
    .select(['id', 'organisation_id'])
    .where('state', '=', 'scheduled')
    .where('scheduled_at', '<=', now)
    .orderBy('scheduled_at')
    .limit(50)
    .execute();
  return rows.map((row) => ({ id: row.id, organisationId: row.organisation_id }));
}

/**
 * Takes a due post for publishing and records one delivery per destination and language before any
 * adapter is called; answers false when another worker took it first.
 */
export async function startPublishing(
  db: Executor,
  organisationId: number,
  postId: number,
  now: Date,
  deliveries: Array<{ destinationId: number; language: string; idempotencyKey: string }>,
): Promise<boolean> {
  const taken = await db
    .updateTable('publishing_post')
    .set({ state: 'published', published_at: now, updated_at: now })
    .where('id', '=', postId)
    .where('organisation_id', '=', organisationId)
    .where('state', '=', 'scheduled')
    .returning('id')
    .executeTakeFirst();
  if (!taken) return false;
  if (deliveries.length > 0)
    await db
      .insertInto('publishing_delivery')
      .values(
        deliveries.map((delivery) => ({
          organisation_id: organisationId,
          post_id: postId,
          destination_id: delivery.destinationId,
          language: delivery.language,
          idempotency_key: delivery.idempotencyKey,
          next_check_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['post_id', 'destination_id', 'language']).doNothing())
      .execute();
  return true;
}

/** Deliveries waiting for their one publish, oldest first. */
export async function findPendingDeliveries(db: Executor, now: Date, limit = 50): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('publishing_delivery')
    .selectAll()
    .where('state', '=', 'pending')
    .where((eb) => eb.or([eb('next_check_at', 'is', null), eb('next_check_at', '<=', now)]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

/**
 * Claims a pending delivery for its one publish, if fewer than `concurrency` deliveries of the same
 * destination are being published. Run it in a transaction: the destination's row is locked first, so
 * two workers claiming for one destination count one after the other (under READ COMMITTED two
 * updates of different rows would each count the other's claim as absent). The deadline after which a
 * claim whose worker died counts as uncertain is kept in `next_check_at`.
 */
export async function claimDelivery(
  tx: Executor,
  delivery: { id: number; destinationId: number },
  concurrency: number,
  deadline: Date,
): Promise<boolean> {
  await tx
    .selectFrom('publishing_destination')
    .select('id')
    .where('id', '=', delivery.destinationId)
    .forUpdate()
    .execute();
  const row = await tx
    .updateTable('publishing_delivery as d')
    .set({ state: 'publishing', attempts: sql`d.attempts + 1`, next_check_at: deadline })
    .where('d.id', '=', delivery.id)
    .where('d.state', '=', 'pending')
    .where(
      sql<boolean>`(select count(*) from publishing_delivery o where o.destination_id = d.destination_id and o.state = 'publishing') < ${concurrency}`,
    )
    .returning('d.id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Puts a pending delivery off (quota spent, concurrency full). */
export async function postponeDelivery(db: Executor, id: number, until: Date): Promise<void> {
  await db
    .updateTable('publishing_delivery')
    .set({ next_check_at: until })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .execute();
}

/** Records what the channel answered (or that its answer is in doubt). */
export async function recordDelivery(
  db: Executor,
  id: number,
  values: {
    state: DeliveryRowState;
    remoteId?: string | null | undefined;
    remoteUrl?: string | null | undefined;
    adapterState?: Record<string, unknown> | undefined;
    lastError?: string | null;
    nextCheckAt: Date | null;
    publishedAt?: Date | null;
    countCheck?: boolean;
  },
  from: readonly DeliveryRowState[],
): Promise<boolean> {
  const row = await db
    .updateTable('publishing_delivery')
    .set({
      state: values.state,
      next_check_at: values.nextCheckAt,
      ...(values.remoteId !== undefined ? { remote_id: values.remoteId } : {}),
      ...(values.remoteUrl !== undefined ? { remote_url: values.remoteUrl } : {}),
      ...(values.adapterState !== undefined ? { adapter_state: JSON.stringify(values.adapterState) } : {}),
      ...(values.lastError !== undefined ? { last_error: values.lastError } : {}),
      ...(values.publishedAt !== undefined ? { published_at: values.publishedAt } : {}),
      ...(values.countCheck ? { checks: sql`checks + 1` } : {}),
    })
    .where('id', '=', id)
    .where('state', 'in', from)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Claims whose worker died (the deadline passed while still publishing) become uncertain. */
export async function markAbandonedClaims(db: Executor, now: Date): Promise<number> {
  const rows = await db
    .updateTable('publishing_delivery')
    .set({ state: 'uncertain', next_check_at: now })
    .where('state', '=', 'publishing')
    .where('next_check_at', '<', now)
    .returning('id')
    .execute();
  return rows.length;
}

/** Deliveries whose outcome the channel must be asked about (in doubt, or still processing). */
export async function findDeliveriesToCheck(db: Executor, now: Date, limit = 50): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('publishing_delivery')
    .selectAll()
    .where('state', 'in', ['uncertain', 'processing'])
    .where('next_check_at', '<=', now)
    .orderBy('next_check_at')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

/** Published deliveries of the last 30 days whose figures are older than `staleBefore`. */
export async function findDeliveriesForMetrics(
  db: Executor,
  now: Date,
  staleBefore: Date,
  limit = 50,
): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('publishing_delivery')
    .selectAll()
    .where('state', '=', 'published')
    .where('published_at', '>', new Date(now.getTime() - 30 * 86_400_000))
    .where((eb) => eb.or([eb('metrics_at', 'is', null), eb('metrics_at', '<', staleBefore)]))
    .orderBy('metrics_at', (ob) => ob.nullsFirst())
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

export async function storeMetrics(db: Executor, id: number, metrics: Record<string, number>, at: Date): Promise<void> {
  await db
    .updateTable('publishing_delivery')
    .set({ metrics: JSON.stringify(metrics), metrics_at: at })
    .where('id', '=', id)
    .execute();
}

export async function findDelivery(db: Executor, organisationId: number, id: number): Promise<Delivery | undefined> {
  const row = await db
    .selectFrom('publishing_delivery')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toDelivery(row) : undefined;
}

export async function findDeliveriesOfPost(db: Executor, organisationId: number, postId: number): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('publishing_delivery')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('post_id', '=', postId)
    .orderBy('destination_id')
    .orderBy('language')
    .execute();
  return rows.map(toDelivery);
}

/** The failures view: deliveries that failed or are in doubt, newest first. */
export async function findProblemDeliveries(db: Executor, organisationId: number): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('publishing_delivery')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('state', 'in', ['failed', 'uncertain'])
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return rows.map(toDelivery);
}
