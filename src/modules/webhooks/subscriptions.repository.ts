import type { Executor } from '../../platform/db/database.ts';
import type { PauseReason, SubscriptionStatus } from './webhooks.schema.ts';

export interface SubscriptionRow {
  id: number;
  organisationId: number;
  url: string;
  description: string;
  eventTypes: string[];
  status: SubscriptionStatus;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretUntil: Date | null;
  ownerId: number | null;
  pauseReason: PauseReason | null;
  pausedAt: Date | null;
  failingSince: Date | null;
  lastSuccessAt: Date | null;
  createdAt: Date;
}

const COLUMNS = [
  'id',
  'organisation_id as organisationId',
  'url',
  'description',
  'event_types as eventTypes',
  'status',
  'secret_sealed as secretSealed',
  'previous_secret_sealed as previousSecretSealed',
  'previous_secret_until as previousSecretUntil',
  'owner_id as ownerId',
  'pause_reason as pauseReason',
  'paused_at as pausedAt',
  'failing_since as failingSince',
  'last_success_at as lastSuccessAt',
  'created_at as createdAt',
] as const;

export async function findSubscriptions(db: Executor, organisationId: number): Promise<SubscriptionRow[]> {
  return db
    .selectFrom('webhooks_subscription')
    .select(COLUMNS)
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
}

export async function findSubscription(
  db: Executor,
  organisationId: number,
  id: number,
  options: { lock?: boolean } = {},
): Promise<SubscriptionRow | undefined> {
  let query = db
    .selectFrom('webhooks_subscription')
    .select(COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Subscriptions by id, whichever city (the delivery worker). */
export async function findSubscriptionsByIds(db: Executor, ids: readonly number[]): Promise<SubscriptionRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('webhooks_subscription').select(COLUMNS).where('id', 'in', ids).execute();
}

/** The cities with at least one subscription. */
export async function findSubscribedCities(db: Executor): Promise<Array<{ organisationId: number }>> {
  return db.selectFrom('webhooks_subscription').select(['organisation_id as organisationId']).distinct().execute();
}

export async function insertSubscription(
  db: Executor,
  values: {
    organisationId: number;
    url: string;
    description: string;
    eventTypes: string[];
    secretSealed: string;
    ownerId: number;
  },
): Promise<number> {
  const row = await db
    .insertInto('webhooks_subscription')
    .values({
      organisation_id: values.organisationId,
      url: values.url,
      description: values.description,
      event_types: values.eventTypes,
      secret_sealed: values.secretSealed,
      owner_id: values.ownerId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateSubscriptionSettings(
  db: Executor,
  id: number,
  values: { url: string; description: string; eventTypes: string[] },
): Promise<void> {
  await db
    .updateTable('webhooks_subscription')
    .set({ url: values.url, description: values.description, event_types: values.eventTypes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function storeRotatedSecret(
  db: Executor,
  id: number,
  values: { secretSealed: string; previousSecretSealed: string | null; previousSecretUntil: Date | null },
): Promise<void> {
  await db
    .updateTable('webhooks_subscription')
    .set({
      secret_sealed: values.secretSealed,
      previous_secret_sealed: values.previousSecretSealed,
      previous_secret_until: values.previousSecretUntil,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

export async function markPaused(db: Executor, id: number, reason: PauseReason): Promise<boolean> {
  const result = await db
    .updateTable('webhooks_subscription')
    .set({ status: 'paused', pause_reason: reason, paused_at: new Date(), updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markResumed(db: Executor, id: number): Promise<void> {
  await db
    .updateTable('webhooks_subscription')
    .set({ status: 'active', pause_reason: null, paused_at: null, failing_since: null, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function deleteSubscription(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('webhooks_subscription').where('id', '=', id).execute();
}

/** After a round of attempts: successes clear the failing streak, failures start one where none runs. */
export async function recordHealth(
  db: Executor,
  succeeded: readonly number[],
  failed: readonly number[],
  now: Date,
): Promise<void> {
  if (succeeded.length > 0)
    await db
      .updateTable('webhooks_subscription')
      .set({ last_success_at: now, failing_since: null })
      .where('id', 'in', succeeded)
      .execute();
  const stillFailing = failed.filter((id) => !succeeded.includes(id));
  if (stillFailing.length > 0)
    await db
      .updateTable('webhooks_subscription')
      .set({ failing_since: now })
      .where('id', 'in', stillFailing)
      .where('failing_since', 'is', null)
      .execute();
}

/** Every sealed secret (SECRET_KEY rotation). */
export async function findSealedSecrets(
  db: Executor,
): Promise<Array<{ id: number; secretSealed: string; previousSecretSealed: string | null }>> {
  return db
    .selectFrom('webhooks_subscription')
    .select(['id', 'secret_sealed as secretSealed', 'previous_secret_sealed as previousSecretSealed'])
    .orderBy('id')
    .execute();
}

export async function storeSealedSecrets(
  db: Executor,
  id: number,
  secretSealed: string,
  previousSecretSealed: string | null,
): Promise<void> {
  await db
    .updateTable('webhooks_subscription')
    .set({ secret_sealed: secretSealed, previous_secret_sealed: previousSecretSealed })
    .where('id', '=', id)
    .execute();
}

/** The address of a subscription's owner, to tell them it was paused; undefined when they left. */
export async function findOwnerAddress(
  db: Executor,
  userId: number,
): Promise<{ email: string; language: string | null } | undefined> {
  return db
    .selectFrom('core_user')
    .select(['email', 'language'])
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .where('email', 'is not', null)
    .$narrowType<{ email: string }>()
    .executeTakeFirst();
}
