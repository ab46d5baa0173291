// What a city administrator does with webhooks: subscribe an address to event types, see and rotate the
// signing secret, pause and resume, read the deliveries log and send a delivery again.

import type { Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { OutboundError } from '../../platform/outbound/outbound.ts';
import { recordAudit } from '../../platform/audit.ts';
import {
  countDeliveries,
  findAttempts,
  findDeliveries,
  findDelivery,
  markForRedelivery,
  retryWaitingNow,
  type DeliveryRow,
} from './deliveries.repository.ts';
import { openIfReadable, sealSecret } from './secrets.ts';
import { newSecret } from './signing.ts';
import {
  deleteSubscription,
  findSubscription,
  findSubscriptions,
  insertSubscription,
  markPaused,
  markResumed,
  storeRotatedSecret,
  updateSubscriptionSettings,
  type SubscriptionRow,
} from './subscriptions.repository.ts';
import { MAX_URL_LENGTH } from './webhooks.forms.ts';
import { authorizeWebhooks } from './webhooks.policy.ts';
import type { DeliveryStatus } from './webhooks.schema.ts';

/** How long the secret before a rotation stays valid: receivers have a day to take the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** Deliveries shown in a subscription's log. */
const LOG_SIZE = 50;

export type Subscription = Omit<SubscriptionRow, 'secretSealed' | 'previousSecretSealed'>;

function present(row: SubscriptionRow): Subscription {
  const { secretSealed: _secret, previousSecretSealed: _previous, ...rest } = row;
  return rest;
}

export interface SubscriptionInput {
  url: string;
  description: string;
  events?: string[] | undefined;
}

export type UrlProblem = 'required' | 'invalid' | 'refused' | 'unreachable';
export type SaveOutcome =
  | { ok: true; id: number }
  | { ok: false; code: 'VALIDATION_FAILED'; fields: { url?: UrlProblem; events?: 'required' } };

/** The event types a city can subscribe to: every module's declared events. */
export function eventTypes(ctx: AppContext): string[] {
  return ctx.registry.events.map((event) => event.type);
}

/**
 * Checks an address: http(s), no credentials, and a host the outbound guard would contact now (a private
 * address is refused unless the operator allows it). Answers the normalised address or the problem.
 */
async function checkUrl(ctx: AppContext, text: string): Promise<{ url: string } | { problem: UrlProblem }> {
  if (text === '') return { problem: 'required' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'invalid' };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.hash)
    return { problem: 'invalid' };
  if (url.toString().length > MAX_URL_LENGTH) return { problem: 'invalid' };
  try {
    await ctx.outbound.destination(url.hostname, Number(url.port) || (url.protocol === 'https:' ? 443 : 80));
  } catch (error) {
    if (error instanceof OutboundError && error.code === 'OUTBOUND_ADDRESS_REFUSED') return { problem: 'refused' };
    if (error instanceof OutboundError && error.code === 'OUTBOUND_URL_INVALID') return { problem: 'invalid' };
    return { problem: 'unreachable' };
  }
  return { url: url.toString() };
}

async function checkInput(
  ctx: AppContext,
  input: SubscriptionInput,
): Promise<{ ok: true; url: string; events: string[] } | Extract<SaveOutcome, { ok: false }>> {
  const known = eventTypes(ctx);
  const events = [...new Set(input.events ?? [])].filter((type) => known.includes(type));
  const checked = await checkUrl(ctx, input.url);
  const fields: { url?: UrlProblem; events?: 'required' } = {};
  if ('problem' in checked) fields.url = checked.problem;
  if (events.length === 0 || events.length !== new Set(input.events ?? []).size) fields.events = 'required';
  if ('problem' in checked || fields.events) return { ok: false, code: 'VALIDATION_FAILED', fields };
  return { ok: true, url: checked.url, events };
}

export async function listSubscriptions(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
): Promise<Subscription[]> {
  authorizeWebhooks(viewer);
  return (await findSubscriptions(ctx.db, organisation.id)).map(present);
}

export interface SubscriptionDetail {
  subscription: Subscription;
  /** The current signing secret (`whsec_…`), for the receiver's configuration; null when sealed under another SECRET_KEY. */
  secret: string | null;
  deliveries: DeliveryRow[];
  counts: Record<DeliveryStatus, number>;
}

async function existing(ctx: AppContext, organisation: Organisation, id: number): Promise<SubscriptionRow> {
  const row = await findSubscription(ctx.db, organisation.id, id);
  if (!row) throw new AppError('WEBHOOKS_SUBSCRIPTION_NOT_FOUND');
  return row;
}

export async function subscriptionDetail(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<SubscriptionDetail> {
  authorizeWebhooks(viewer);
  const row = await existing(ctx, organisation, id);
  const [deliveries, counts] = await Promise.all([
    findDeliveries(ctx.db, organisation.id, id, LOG_SIZE),
    countDeliveries(ctx.db, organisation.id, id),
  ]);
  return {
    subscription: present(row),
    secret: openIfReadable(ctx.config.secretKey, row.secretSealed) ?? null,
    deliveries,
    counts,
  };
}

export async function createSubscription(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: SubscriptionInput,
): Promise<SaveOutcome> {
  authorizeWebhooks(viewer);
  const checked = await checkInput(ctx, input);
  if (!checked.ok) return checked;
  return inTransaction(ctx.db, async (tx) => {
    const id = await insertSubscription(tx, {
      organisationId: organisation.id,
      url: checked.url,
      description: input.description,
      eventTypes: checked.events,
      secretSealed: sealSecret(ctx.config.secretKey, newSecret()),
      ownerId: viewer.id,
    });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'webhooks.subscription.create',
      subjectType: 'webhooks_subscription',
      subjectId: id,
      after: { events: checked.events },
    });
    return { ok: true, id };
  });
}

export async function updateSubscription(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  input: SubscriptionInput,
): Promise<SaveOutcome> {
  authorizeWebhooks(viewer);
  await existing(ctx, organisation, id);
  const checked = await checkInput(ctx, input);
  if (!checked.ok) return checked;
  await updateSubscriptionSettings(ctx.db, id, {
    url: checked.url,
    description: input.description,
    eventTypes: checked.events,
  });
  return { ok: true, id };
}

/**
 * A new signing secret; the one before stays valid for `ROTATION_OVERLAP_MS` and every message is signed
 * with both meanwhile, so the receiver can take the new one at its pace.
 */
export async function rotateSecret(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
  now = new Date(),
): Promise<void> {
  authorizeWebhooks(viewer);
  await inTransaction(ctx.db, async (tx) => {
    const row = await findSubscription(tx, organisation.id, id, { lock: true });
    if (!row) throw new AppError('WEBHOOKS_SUBSCRIPTION_NOT_FOUND');
    await storeRotatedSecret(tx, id, {
      secretSealed: sealSecret(ctx.config.secretKey, newSecret()),
      previousSecretSealed: row.secretSealed,
      previousSecretUntil: new Date(now.getTime() + ROTATION_OVERLAP_MS),
    });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'webhooks.secret.rotate',
      subjectType: 'webhooks_subscription',
      subjectId: id,
    });
  });
}

export async function pauseSubscription(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<void> {
  authorizeWebhooks(viewer);
  await existing(ctx, organisation, id);
  await markPaused(ctx.db, id, 'manual');
}

/** Active again; what waited while paused is sent now. */
export async function resumeSubscription(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<void> {
  authorizeWebhooks(viewer);
  await existing(ctx, organisation, id);
  await inTransaction(ctx.db, async (tx) => {
    await markResumed(tx, id);
    await retryWaitingNow(tx, id);
  });
}

export async function removeSubscription(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<void> {
  authorizeWebhooks(viewer);
  await existing(ctx, organisation, id);
  await inTransaction(ctx.db, async (tx) => {
    await deleteSubscription(tx, id);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer.id, label: viewer.displayName },
      action: 'webhooks.subscription.delete',
      subjectType: 'webhooks_subscription',
      subjectId: id,
    });
  });
}

/** One delivery with its body and every attempt. */
export async function deliveryDetail(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  subscriptionId: number,
  deliveryId: string,
) {
  authorizeWebhooks(viewer);
  const delivery = await findDelivery(ctx.db, organisation.id, subscriptionId, deliveryId);
  if (!delivery) throw new AppError('WEBHOOKS_DELIVERY_NOT_FOUND');
  return { delivery, attempts: await findAttempts(ctx.db, deliveryId) };
}

/** Sends a finished delivery once more, with the same `webhook-id` (receivers may already have it). */
export async function redeliver(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  subscriptionId: number,
  deliveryId: string,
): Promise<void> {
  authorizeWebhooks(viewer);
  const delivery = await findDelivery(ctx.db, organisation.id, subscriptionId, deliveryId);
  if (!delivery) throw new AppError('WEBHOOKS_DELIVERY_NOT_FOUND');
  if (!(await markForRedelivery(ctx.db, deliveryId))) throw new AppError('WEBHOOKS_DELIVERY_UNFINISHED');
}
