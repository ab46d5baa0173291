import { recordEvent } from '../../platform/events.ts';
import { postPublished } from './publishing.events.ts';
import { randomBytes } from 'node:crypto';
import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { DeliveryOutcome, DeliveryRef, PublishingAdapter } from '../../platform/publishing.ts';
import { findCampaign } from './campaigns.repository.ts';
import { buildChannelPost, postLanguages } from './channel-post.ts';
import {
  claimDelivery,
  findDeliveriesForMetrics,
  findDeliveriesToCheck,
  findDelivery,
  findDuePostIds,
  findPendingDeliveries,
  markAbandonedClaims,
  postponeDelivery,
  recordDelivery,
  startPublishing,
  storeMetrics,
  type Delivery,
} from './delivery.repository.ts';
import { adapterFor, openDestination, refreshBuiltInDestinations } from './destinations.use-cases.ts';
import { findDestination } from './destinations.repository.ts';
import { findPost } from './posts.repository.ts';
import { findDueChanges, markDeliveryRemoved, recordChange, type DeliveryChange } from './corrections.repository.ts';
import { authorizePost } from './publishing.policy.ts';

/**
 * The publishing job. A publish is never retried blindly (a retried publish is a duplicate post):
 * 1. a due post gets one delivery row per destination and language, with a stable idempotency key,
 *    written before any adapter is called;
 * 2. each pending delivery is claimed (one statement, within the destination's concurrency) and
 *    published once; a throw or a timeout leaves it `uncertain`, never `pending` again;
 * 3. uncertain and processing deliveries are asked about with `status`, as often as needed, with back-off;
 * 4. a failed delivery stays failed until staff ask "retry this channel only", which asks `status` first.
 */
export const PUBLISH_JOB = 'publishing.publish';
export const PUBLISH_EVERY_MS = 15_000;
export const METRICS_JOB = 'publishing.metrics';
export const METRICS_EVERY_MS = 30 * 60_000;

/** How long one call to a channel may take before its outcome counts as in doubt (tests shorten it). */
export const callTimeout = { ms: 30_000 };
/** A claim older than this whose worker never recorded an outcome counts as in doubt. */
const CLAIM_DEADLINE_MS = 5 * 60_000;

/** Back-off of status checks: 15 s, 30 s, 1 min … at most an hour. */
export function checkDelay(checks: number): number {
  return Math.min(15_000 * 2 ** Math.min(checks, 12), 3_600_000);
}

/** Runs a call to a channel with a deadline; the signal tells the adapter to stop. */
async function withTimeout<T>(call: (signal: AbortSignal) => Promise<T>, ms = callTimeout.ms): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error('timeout'));
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function refOf(delivery: Delivery): DeliveryRef {
  return {
    deliveryId: delivery.id,
    idempotencyKey: delivery.idempotencyKey,
    remoteId: delivery.remoteId,
    state: delivery.adapterState,
  };
}

/** A short reason for staff, without credentials (the adapters' details never hold any). */
function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : 'error').slice(0, 200);
}

/** Turns due posts into deliveries. */
export async function startDuePosts(ctx: AppContext, now = new Date()): Promise<number> {
  let started = 0;
  for (const due of await findDuePostIds(ctx.db, now)) {
    const post = await findPost(ctx.db, due.organisationId, due.id);
    if (!post) continue;
    const languages = postLanguages(post);
    const deliveries = post.destinationIds.flatMap((destinationId) =>
      languages.map((language) => ({
        destinationId,
        language,
        idempotencyKey: `ic-${post.id}-${destinationId}-${language}-${randomBytes(8).toString('hex')}`,
      })),
    );
    const taken = await ctx.db.transaction().execute(async (tx) => {
      const isTaken = await startPublishing(tx, due.organisationId, post.id, now, deliveries);
      if (isTaken) await recordEvent(tx, due.organisationId, 'post.published', postPublished(post.id, languages));
      return isTaken;
    });
    if (taken) started++;
  }
  return started;
}

async function contextOf(ctx: AppContext, delivery: Delivery) {
  const organisation = await ctx.organisations.findById(delivery.organisationId);
  const row = await findDestination(ctx.db, delivery.organisationId, delivery.destinationId);
  const adapter = row ? adapterFor(ctx, row.kind) : undefined;
  if (!organisation || !row || !adapter) return undefined;
  return { organisation, row, adapter, destination: await openDestination(ctx, ctx.db, row) };
}

/** Publishes one claimed delivery, once, and records what came back. */
async function publishOne(ctx: AppContext, delivery: Delivery): Promise<void> {
  const found = await contextOf(ctx, delivery);
  if (!found) {
    await recordDelivery(
      ctx.db,
      delivery.id,
      { state: 'failed', lastError: 'destination unavailable', nextCheckAt: null },
      ['pending'],
    );
    return;
  }
  const { organisation, row, adapter, destination } = found;
  const post = await findPost(ctx.db, delivery.organisationId, delivery.postId);
  if (!post) return;
  const now = new Date();
  const readQuota = adapter.quota?.bind(adapter);
  if (readQuota) {
    try {
      const quota = await withTimeout((signal) => readQuota(destination, ctx, signal));
      if (quota.remaining <= 0) {
        await postponeDelivery(ctx.db, delivery.id, quota.resetsAt ?? new Date(now.getTime() + 3_600_000));
        return;
      }
    } catch {
      // an unknown quota puts the publish off a little; nothing was sent
      await postponeDelivery(ctx.db, delivery.id, new Date(now.getTime() + 60_000));
      return;
    }
  }
  if (
    !(await ctx.db
      .transaction()
      .execute((tx) =>
        claimDelivery(tx, delivery, adapter.concurrency ?? 1, new Date(now.getTime() + CLAIM_DEADLINE_MS)),
      ))
  )
    return;
  const campaign = post.campaignId === null ? undefined : await findCampaign(ctx.db, organisation.id, post.campaignId);
  const channelPost = buildChannelPost(ctx, ctx.db, organisation, post, row, delivery.language, campaign, {
    deliveryId: delivery.id,
    idempotencyKey: delivery.idempotencyKey,
  });
  let outcome: DeliveryOutcome;
  try {
    outcome = await withTimeout((signal) => adapter.publish(destination, channelPost, ctx, signal));
  } catch (error) {
    ctx.log.warn({ deliveryId: delivery.id, kind: row.kind, reason: reasonOf(error) }, 'publish in doubt');
    await recordDelivery(
      ctx.db,
      delivery.id,
      { state: 'uncertain', lastError: reasonOf(error), nextCheckAt: new Date(Date.now() + checkDelay(0)) },
      ['publishing'],
    );
    return;
  }
  await recordOutcome(ctx, delivery, outcome, ['publishing'], false);
}

/** Stores an outcome of `publish` or `status`. */
async function recordOutcome(
  ctx: AppContext,
  delivery: Delivery,
  outcome: DeliveryOutcome,
  from: Array<Delivery['state']>,
  isCheck: boolean,
): Promise<void> {
  const now = new Date();
  const extra = outcome.adapterState ? { adapterState: { ...delivery.adapterState, ...outcome.adapterState } } : {};
  const outcomeState = outcome.state;
  if (outcomeState === 'published')
    await recordDelivery(
      ctx.db,
      delivery.id,
      {
        state: 'published',
        remoteId: outcome.remoteId ?? null,
        remoteUrl: outcome.url ?? null,
        publishedAt: now,
        lastError: null,
        nextCheckAt: null,
        countCheck: isCheck,
        ...extra,
      },
      from,
    );
  else if (outcomeState === 'processing')
    await recordDelivery(
      ctx.db,
      delivery.id,
      {
        state: 'processing',
        ...(outcome.remoteId ? { remoteId: outcome.remoteId } : {}),
        nextCheckAt: new Date(now.getTime() + checkDelay(isCheck ? delivery.checks + 1 : 0)),
        countCheck: isCheck,
        ...extra,
      },
      from,
    );
  else
    await recordDelivery(
      ctx.db,
      delivery.id,
      {
        state: 'failed',
        lastError: (outcome.detail ?? outcomeState).slice(0, 200),
        adapterState: {
          ...delivery.adapterState,
          ...(extra.adapterState ?? {}),
          retryable: outcome.retryable ?? false,
          notFound: outcomeState === 'not_found',
        },
        nextCheckAt: null,
        countCheck: isCheck,
      },
      from,
    );
}

/** Asks the channel where an uncertain or processing delivery stands; a failed answer waits for the next check. */
async function checkOne(ctx: AppContext, delivery: Delivery): Promise<void> {
  const found = await contextOf(ctx, delivery);
  if (!found) return;
  try {
    const outcome = await withTimeout((signal) =>
      found.adapter.status(found.destination, refOf(delivery), ctx, signal),
    );
    await recordOutcome(ctx, delivery, outcome, [delivery.state], true);
  } catch (error) {
    await recordDelivery(
      ctx.db,
      delivery.id,
      {
        state: delivery.state,
        lastError: reasonOf(error),
        nextCheckAt: new Date(Date.now() + checkDelay(delivery.checks + 1)),
        countCheck: true,
      },
      [delivery.state],
    );
  }
}

/** One run of the publishing job. */
export async function runPublishing(ctx: AppContext, now = new Date()): Promise<void> {
  await markAbandonedClaims(ctx.db, now);
  await startDuePosts(ctx, now);
  for (const delivery of await findPendingDeliveries(ctx.db, now)) {
    try {
      await publishOne(ctx, delivery);
    } catch (error) {
      ctx.log.error({ err: error, deliveryId: delivery.id }, 'publishing a delivery failed');
    }
  }
  for (const delivery of await findDeliveriesToCheck(ctx.db, now)) await checkOne(ctx, delivery);
  for (const change of await findDueChanges(ctx.db, now)) {
    try {
      await applyChange(ctx, change);
    } catch (error) {
      ctx.log.error({ err: error, changeId: change.id }, 'applying a correction failed');
    }
  }
}

/** Corrections and withdrawals are given up after this many attempts (about a day with the back-off). */
const MAX_CHANGE_ATTEMPTS = 12;

/**
 * Applies one correction (`update`, with the post as it is now) or withdrawal (`remove`) to a delivery.
 * Unlike a publish, both may be repeated: a call in doubt is simply tried again later, with back-off;
 * a channel that no longer has the post has nothing to correct or remove.
 */
async function applyChange(ctx: AppContext, change: DeliveryChange): Promise<void> {
  const now = new Date();
  const delivery = await findDelivery(ctx.db, change.organisationId, change.deliveryId);
  const found = delivery ? await contextOf(ctx, delivery) : undefined;
  const post = delivery ? await findPost(ctx.db, change.organisationId, delivery.postId) : undefined;
  if (!delivery || !found || !post) {
    await recordChange(
      ctx.db,
      change.id,
      { state: 'failed', lastError: 'destination unavailable', nextAttemptAt: null },
      now,
    );
    return;
  }
  const { organisation, row, adapter, destination } = found;
  const update = adapter.update?.bind(adapter);
  const remove = adapter.remove?.bind(adapter);
  let outcome: DeliveryOutcome;
  try {
    if (change.kind === 'remove' && remove)
      outcome = await withTimeout((signal) => remove(destination, refOf(delivery), ctx, signal));
    else if (change.kind === 'update' && update) {
      const campaign =
        post.campaignId === null ? undefined : await findCampaign(ctx.db, organisation.id, post.campaignId);
      const channelPost = buildChannelPost(ctx, ctx.db, organisation, post, row, delivery.language, campaign, {
        deliveryId: delivery.id,
        idempotencyKey: delivery.idempotencyKey,
        remoteId: delivery.remoteId,
      });
      outcome = await withTimeout((signal) => update(destination, refOf(delivery), channelPost, ctx, signal));
    } else {
      await recordChange(ctx.db, change.id, { state: 'unsupported', lastError: null, nextAttemptAt: null }, now);
      return;
    }
  } catch (error) {
    outcome = { state: 'failed', retryable: true, detail: reasonOf(error) };
  }
  if (outcome.state === 'published' || outcome.state === 'processing' || outcome.state === 'not_found') {
    if (change.kind === 'remove') await markDeliveryRemoved(ctx.db, delivery.id);
    await recordChange(
      ctx.db,
      change.id,
      {
        state: outcome.state === 'not_found' && change.kind === 'update' ? 'failed' : 'done',
        lastError: outcome.state === 'not_found' && change.kind === 'update' ? 'not found on the channel' : null,
        nextAttemptAt: null,
      },
      now,
    );
    return;
  }
  const again = (outcome.retryable ?? false) && change.attempts + 1 < MAX_CHANGE_ATTEMPTS;
  ctx.log.warn({ changeId: change.id, kind: row.kind, reason: outcome.detail }, 'correction not applied');
  await recordChange(
    ctx.db,
    change.id,
    {
      state: again ? 'pending' : 'failed',
      lastError: (outcome.detail ?? 'failed').slice(0, 200),
      nextAttemptAt: again ? new Date(now.getTime() + checkDelay(change.attempts)) : null,
    },
    now,
  );
}

/** Built-in destinations of every city, then reach, favourites, boosts and replies of recent deliveries. */
export async function pullMetrics(ctx: AppContext, now = new Date()): Promise<void> {
  for (const organisation of await ctx.organisations.findAll()) await refreshBuiltInDestinations(ctx, organisation.id);
  for (const delivery of await findDeliveriesForMetrics(ctx.db, now, new Date(now.getTime() - METRICS_EVERY_MS))) {
    const found = await contextOf(ctx, delivery);
    const readMetrics = found?.adapter.metrics?.bind(found.adapter);
    if (!found || !readMetrics) {
      await storeMetrics(ctx.db, delivery.id, delivery.metrics, now);
      continue;
    }
    try {
      const metrics = await withTimeout((signal) => readMetrics(found.destination, refOf(delivery), ctx, signal));
      const numbers = Object.fromEntries(
        Object.entries(metrics).filter(
          (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
        ),
      );
      await storeMetrics(ctx.db, delivery.id, numbers, now);
    } catch (error) {
      ctx.log.warn({ deliveryId: delivery.id, reason: reasonOf(error) }, 'metrics not read');
    }
  }
}

export type RetryOutcome = 'published' | 'queued' | 'still_unknown' | 'processing';

/**
 * "Retry this channel only": asks the channel first (the earlier publish may have landed after all);
 * only when it answers that there is no such post does the delivery go back to pending, keeping its
 * idempotency key, and the job publishes it once more. A status that cannot be read publishes nothing.
 */
export async function retryDelivery(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  postId: number,
  deliveryId: number,
): Promise<RetryOutcome> {
  const post = await findPost(ctx.db, organisation.id, postId);
  if (!post) throw new AppError('PUBLISHING_POST_NOT_FOUND');
  authorizePost(viewer, post);
  const delivery = await findDelivery(ctx.db, organisation.id, deliveryId);
  if (!delivery || delivery.postId !== post.id) throw new AppError('PUBLISHING_DELIVERY_NOT_FOUND');
  if (delivery.state !== 'failed') throw new AppError('PUBLISHING_DELIVERY_NOT_FAILED');
  const found = await contextOf(ctx, delivery);
  if (!found) throw new AppError('PUBLISHING_DESTINATION_NOT_FOUND');
  let outcome: DeliveryOutcome;
  try {
    outcome = await withTimeout((signal) => found.adapter.status(found.destination, refOf(delivery), ctx, signal));
  } catch {
    return 'still_unknown';
  }
  let result: RetryOutcome;
  if (outcome.state === 'published' || outcome.state === 'processing') {
    await recordOutcome(ctx, delivery, outcome, ['failed'], true);
    result = outcome.state;
  } else result = 'queued';
  // the delivery back to pending, its job and the audit line are stored together
  await ctx.db.transaction().execute(async (tx) => {
    if (result === 'queued') {
      await recordDelivery(tx, delivery.id, { state: 'pending', nextCheckAt: new Date(), lastError: null }, ['failed']);
      await ctx.jobs.enqueue(PUBLISH_JOB, {}, { organisationId: organisation.id }, tx);
    }
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'publishing.delivery.retry',
      subjectType: 'publishing_delivery',
      subjectId: delivery.id,
      before: { state: delivery.state },
      after: { outcome: result },
    });
  });
  return result;
}

export type { PublishingAdapter };
