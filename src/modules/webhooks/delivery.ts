// The delivery worker: takes the cities' new events from the outbox (platform/events.ts) into one delivery
// per subscribed address, then posts the due deliveries, signed (Standard Webhooks), through the outbound
// guard, and keeps what happened. Runs as a recurring job; a run is bounded in time so other jobs go on.

import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { readEvents, type EventDeclaration } from '../../platform/events.ts';
import { isLanguage } from '../../platform/i18n/languages.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import { OutboundError } from '../../platform/outbound/outbound.ts';
import {
  claimDueDeliveries,
  findCursor,
  insertDeliveries,
  pruneDeliveries,
  recordAttempts,
  storeCursor,
  type AttemptResult,
  type ClaimedDelivery,
  type NewDelivery,
} from './deliveries.repository.ts';
import { openIfReadable } from './secrets.ts';
import { webhookHeaders } from './signing.ts';
import {
  findOwnerAddress,
  findSubscribedCities,
  findSubscriptions,
  findSubscriptionsByIds,
  markPaused,
  recordHealth,
  type SubscriptionRow,
} from './subscriptions.repository.ts';
import { pausedMail } from './webhooks.mails.ts';

export const DELIVERY_JOB = 'webhooks.deliver';
export const DELIVERY_EVERY_MS = 2_000;

/**
 * The retry schedule the Standard Webhooks specification suggests: after the first attempt fails, again
 * in 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours (eight attempts over
 * about a day and a half), each delay with ±20 % jitter so that a receiver coming back is not hit by
 * every retry at once.
 */
export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
const JITTER = 0.2;
/** How long one attempt may take, answer included. */
const ATTEMPT_TIMEOUT_MS = 15_000;
/** Attempts in flight at once in one batch, and batches sent at once. */
const CONCURRENCY = 64;
const LANES = 2;
const BATCH = 128;
/** Events taken from the outbox per city and transaction. */
const EVENT_BATCH = 500;
/** Finished deliveries are kept this long in the log. */
const LOG_RETENTION_MS = 30 * 24 * 3_600_000;

export function retryDelay(step: number, random: () => number = Math.random): number | undefined {
  const base = RETRY_SCHEDULE_MS[step];
  if (base === undefined) return undefined;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/** The JSON body of an event (`type`, `version`, `timestamp`, `data`), with the public page as `data.url`. */
export function eventBody(
  ctx: AppContext,
  organisation: Organisation,
  event: { type: string; occurredAt: Date; data: unknown },
  declaration: EventDeclaration | undefined,
): string {
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;
  const url = typeof data.path === 'string' ? absoluteUrl(ctx.config, organisation, data.path) : undefined;
  return JSON.stringify({
    type: event.type,
    version: declaration?.version ?? 1,
    timestamp: event.occurredAt.toISOString(),
    data: url === undefined ? data : { ...data, url },
  });
}

/**
 * Takes a city's new events into deliveries, in one transaction with the cursor, so that each event is
 * queued once for each subscription that wants it (subscribed to its type, created before it happened).
 * Returns how many events were read.
 */
export async function fanOut(ctx: AppContext, organisation: Organisation): Promise<number> {
  const declarations = new Map(ctx.registry.events.map((event) => [event.type as string, event]));
  return inTransaction(ctx.db, async (tx) => {
    const cursor = await findCursor(tx, organisation.id);
    const events = await readEvents(tx, organisation.id, cursor, EVENT_BATCH);
    const last = events.at(-1);
    if (!last) return 0;
    const subscriptions = await findSubscriptions(tx, organisation.id);
    const deliveries: NewDelivery[] = [];
    for (const event of events) {
      const wanting = subscriptions.filter((s) => s.eventTypes.includes(event.type) && s.createdAt <= event.occurredAt);
      if (wanting.length === 0) continue;
      const body = eventBody(ctx, organisation, event, declarations.get(event.type));
      for (const subscription of wanting)
        deliveries.push({
          organisationId: organisation.id,
          subscriptionId: subscription.id,
          messageId: `msg_${event.id}`,
          eventType: event.type,
          body,
        });
    }
    await insertDeliveries(tx, deliveries);
    await storeCursor(tx, organisation.id, { tx: last.tx, id: last.id });
    return events.length;
  });
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The secrets a message is signed with: the current one, and the previous one while the rotation lasts. */
function signingSecrets(ctx: AppContext, subscription: SubscriptionRow, now: Date): string[] {
  const current = openIfReadable(ctx.config.secretKey, subscription.secretSealed);
  // sealed under another SECRET_KEY: nothing is sent unsigned; the page asks for a rotation
  if (current === undefined) return [];
  const secrets = [current];
  if (subscription.previousSecretSealed && subscription.previousSecretUntil && subscription.previousSecretUntil > now) {
    const previous = openIfReadable(ctx.config.secretKey, subscription.previousSecretSealed);
    if (previous !== undefined) secrets.push(previous);
  }
  return secrets;
}

/** One attempt: 2xx is success; any other answer, a redirect, a refusal or no answer is a failure. */
async function attempt(
  ctx: AppContext,
  delivery: ClaimedDelivery,
  subscription: SubscriptionRow,
  secrets: string[],
): Promise<Omit<AttemptResult, 'outcome'> & { ok: boolean }> {
  const attemptedAt = new Date();
  const started = performance.now();
  const timestamp = Math.floor(attemptedAt.getTime() / 1000);
  const base = { deliveryId: delivery.id, organisationId: delivery.organisationId, attemptedAt };
  if (secrets.length === 0)
    return { ...base, ok: false, responseStatus: null, durationMs: 0, error: 'SECRET_UNREADABLE' };
  try {
    const response = await ctx.outbound.fetch(subscription.url, {
      method: 'POST',
      headers: webhookHeaders(secrets, delivery.messageId, timestamp, delivery.body),
      body: delivery.body,
      redirect: 'manual',
      timeoutMs: ATTEMPT_TIMEOUT_MS,
      maxBytes: 1024 * 1024,
    });
    const ok = response.status >= 200 && response.status < 300;
    return {
      ...base,
      ok,
      responseStatus: response.status,
      durationMs: Math.round(performance.now() - started),
      error: ok ? null : 'HTTP_STATUS',
    };
  } catch (error) {
    return {
      ...base,
      ok: false,
      responseStatus: null,
      durationMs: Math.round(performance.now() - started),
      error: error instanceof OutboundError ? error.code : 'DELIVERY_FAILED',
    };
  }
}

/**
 * Posts one batch of due deliveries and stores the results. A failure is tried again on the schedule; a
 * delivery that used the whole schedule is failed, and if its subscription has had no success since the
 * failures began, the subscription is paused and its owner told. Returns how many were attempted.
 */
export async function deliverDue(ctx: AppContext, limit = BATCH): Promise<number> {
  const claimed = await claimDueDeliveries(ctx.db, limit);
  if (claimed.length === 0) return 0;
  const subscriptions = new Map(
    (await findSubscriptionsByIds(ctx.db, [...new Set(claimed.map((d) => d.subscriptionId))])).map((s) => [s.id, s]),
  );
  const now = new Date();
  const secrets = new Map<number, string[]>();
  for (const subscription of subscriptions.values())
    secrets.set(subscription.id, signingSecrets(ctx, subscription, now));
  const attempts = await pool(claimed, CONCURRENCY, async (delivery) => {
    const subscription = subscriptions.get(delivery.subscriptionId);
    if (!subscription) return undefined; // deleted meanwhile: its deliveries went with it
    return { delivery, result: await attempt(ctx, delivery, subscription, secrets.get(subscription.id) ?? []) };
  });
  const results: AttemptResult[] = [];
  const succeeded = new Set<number>();
  const failed = new Set<number>();
  const exhausted: Array<{ subscriptionId: number; createdAt: Date }> = [];
  for (const item of attempts) {
    if (!item) continue;
    const { delivery, result } = item;
    const { ok, ...stored } = result;
    if (ok) {
      succeeded.add(delivery.subscriptionId);
      results.push({ ...stored, outcome: { status: 'succeeded' } });
      continue;
    }
    failed.add(delivery.subscriptionId);
    const delay = delivery.manual ? undefined : retryDelay(delivery.retryStep);
    if (delay === undefined) {
      results.push({ ...stored, outcome: { status: 'failed' } });
      if (!delivery.manual) exhausted.push({ subscriptionId: delivery.subscriptionId, createdAt: delivery.createdAt });
    } else
      results.push({
        ...stored,
        outcome: { status: 'pending', nextAttemptAt: new Date(result.attemptedAt.getTime() + delay) },
      });
  }
  await inTransaction(ctx.db, async (tx) => {
    await recordAttempts(tx, results);
    await recordHealth(tx, [...succeeded], [...failed], now);
  });
  for (const { subscriptionId, createdAt } of exhausted) {
    const subscription = subscriptions.get(subscriptionId);
    if (subscription && !succeeded.has(subscriptionId)) await pauseIfFailing(ctx, subscription, createdAt);
  }
  return claimed.length;
}

/**
 * Pauses a subscription whose delivery used its whole schedule without any success since the failures
 * began (before that delivery was queued), and mails its owner.
 */
async function pauseIfFailing(ctx: AppContext, subscription: SubscriptionRow, deliveryCreatedAt: Date): Promise<void> {
  if (subscription.lastSuccessAt && subscription.lastSuccessAt >= deliveryCreatedAt) return;
  const organisation = await ctx.organisations.findById(subscription.organisationId);
  if (!organisation) return;
  await inTransaction(ctx.db, async (tx) => {
    if (!(await markPaused(tx, subscription.id, 'failing'))) return;
    ctx.log.warn({ subscriptionId: subscription.id }, 'webhook subscription paused after persistent failure');
    const owner = subscription.ownerId === null ? undefined : await findOwnerAddress(tx, subscription.ownerId);
    if (!owner) return;
    const language = isLanguage(owner.language) ? owner.language : organisation.defaultLanguage;
    const page = absoluteUrl(ctx.config, organisation, `/admin/webhooks/${subscription.id}`);
    await ctx.mail.send(
      {
        organisationId: organisation.id,
        to: owner.email,
        ...pausedMail(organisation, isLanguage(language) ? language : 'en', subscription.url, page),
      },
      tx,
    );
  });
}

/**
 * Sends batches until none is due or `deadline` (epoch ms) has passed, in `LANES` loops at once: while one
 * batch waits for its slowest receiver, another is being sent, so a slow answer holds up only its own
 * batch. Each loop claims its own batch (`skip locked`). Returns how many attempts were made.
 */
export async function deliverWhileDue(ctx: AppContext, deadline: number): Promise<number> {
  let attempts = 0;
  const lane = async () => {
    while (Date.now() < deadline) {
      const sent = await deliverDue(ctx);
      attempts += sent;
      if (sent === 0) break;
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return attempts;
}

/**
 * One run of the job: every subscribed city's new events become deliveries, then due deliveries are sent
 * in batches until none is due or `budgetMs` has passed (the next run goes on). Old log entries go.
 */
export async function runWebhooks(ctx: AppContext, budgetMs = 10_000): Promise<{ events: number; attempts: number }> {
  const started = Date.now();
  let events = 0;
  for (const { organisationId } of await findSubscribedCities(ctx.db)) {
    const organisation = await ctx.organisations.findById(organisationId);
    if (!organisation) continue;
    for (;;) {
      const read = await fanOut(ctx, organisation);
      events += read;
      if (read < EVENT_BATCH || Date.now() - started > budgetMs) break;
    }
  }
  const attempts = await deliverWhileDue(ctx, started + budgetMs);
  await pruneDeliveries(ctx.db, new Date(Date.now() - LOG_RETENTION_MS));
  return { events, attempts };
}
