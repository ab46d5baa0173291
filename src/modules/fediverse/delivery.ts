import type { Context, SenderKeyPair } from '@fedify/fedify';
import type { Activity, Recipient } from '@fedify/vocab';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { cityUrl } from '../../platform/organisations/urls.ts';
import { findFollowerInboxes, type ActorRow } from './fediverse.repository.ts';
import { DELIVER_JOB, type FediverseData } from './federation-types.ts';
import { fediverseRuntime } from './federation.ts';
import { withOutboundGuard } from './guarded-fetch.ts';

/** The worker looks for deliveries this often; a publish also wakes it at once. */
export const DELIVER_EVERY_MS = 5000;
/** How long one run of the delivery job goes on before handing the worker back to other jobs. */
const DELIVER_BUDGET_MS = 20_000;
const DELIVER_CONCURRENCY = 32;

/** A Fedify context for a city outside a request: its URLs built from the city's public address. */
export function contextFor(ctx: AppContext, organisation: Organisation): Context<FediverseData> {
  return fediverseRuntime(ctx).federation.createContext(cityUrl(ctx.config, organisation), { organisation });
}

/** What a fan-out needs from the database, read before the transaction that queues it. */
export interface PreparedFanOut {
  senders: SenderKeyPair[];
  recipients: Recipient[];
}

/** Reads an actor's followers and signing keys, for `queueFanOut` inside a transaction. */
export async function prepareFanOut(
  ctx: AppContext,
  organisation: Organisation,
  actor: ActorRow,
): Promise<PreparedFanOut> {
  const followers = await findFollowerInboxes(ctx.db, organisation.id, actor.id);
  const keys = followers.length > 0 ? await contextFor(ctx, organisation).getActorKeyPairs(actor.handle) : [];
  return {
    senders: keys.map((key) => ({ keyId: key.keyId, privateKey: key.privateKey })),
    recipients: followers.map((follower) => ({
      id: new URL(follower.remoteActor),
      inboxId: new URL(follower.inbox),
      endpoints: follower.sharedInbox ? { sharedInbox: new URL(follower.sharedInbox) } : null,
    })),
  };
}

/**
 * Sends an activity of one of the city's actors to its followers: grouped by shared inbox (one request per
 * server, not per follower), through the queue (one message per inbox, each signed and retried by Fedify,
 * held by the circuit breaker while that server fails), ordered per post by `orderingKey` so an Update or
 * Delete never overtakes the Create of the same post at a server. Followers on blocked servers are left out.
 * Queues a prepared fan-out and the delivery job in `tx`, so they are stored if and only if what the caller
 * stores in the same transaction is (a publish's object: never acknowledged without its Create queued).
 * The caller wakes the worker after the commit.
 */
export async function queueFanOut(
  ctx: AppContext,
  tx: Executor,
  organisation: Organisation,
  prepared: PreparedFanOut,
  activity: Activity,
  orderingKey: string,
): Promise<void> {
  if (prepared.recipients.length === 0) return;
  await fediverseRuntime(ctx).queue.withinTransaction(tx, () =>
    contextFor(ctx, organisation).sendActivity(prepared.senders, prepared.recipients, activity, {
      preferSharedInbox: true,
      orderingKey,
    }),
  );
  await ctx.jobs.enqueueUnlessWaiting(DELIVER_JOB, {}, {}, tx);
}

/** Sends an activity to one remote actor (an Accept, a reply, a Follow), through the queue. */
export async function deliverTo(
  ctx: AppContext,
  organisation: Organisation,
  actor: ActorRow,
  recipient: Recipient,
  activity: Activity,
  orderingKey?: string,
): Promise<void> {
  await contextFor(ctx, organisation).sendActivity(
    { identifier: actor.handle },
    recipient,
    activity,
    orderingKey ? { orderingKey } : {},
  );
  await ctx.jobs.enqueueUnlessWaiting(DELIVER_JOB, {}, {});
  ctx.jobs.wake();
}

/**
 * The delivery job: handles what Fedify queued (fan-outs, then one signed POST per inbox), many at a time,
 * for at most DELIVER_BUDGET_MS; what is left waits for the next run. Answers how many messages it handled.
 * Each POST goes through the platform's outbound guard when it is sent (guarded-fetch.ts): an inbox on a
 * private address is refused unless OUTBOUND_ALLOW_HOSTS allows it, whatever it resolved to when queued.
 */
export async function drainDeliveries(
  ctx: AppContext,
  options: { budgetMs?: number; concurrency?: number } = {},
): Promise<number> {
  const { federation, queue } = fediverseRuntime(ctx);
  const signal = AbortSignal.timeout(options.budgetMs ?? DELIVER_BUDGET_MS);
  // queued messages carry everything they need (activity, keys, inboxes); the city is not consulted
  const data = { organisation: null } as unknown as FediverseData;
  let handled = 0;
  for (;;) {
    // every request Fedify makes for a message (the signed POST, a double knock) goes through ctx.outbound
    const handle = (message: unknown) =>
      withOutboundGuard(ctx.outbound, () => federation.processQueuedTask(data, message as never));
    const round = await queue.drain(handle, {
      concurrency: options.concurrency ?? DELIVER_CONCURRENCY,
      signal,
      onError: (error) => {
        ctx.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'fediverse: delivery failed');
      },
    });
    handled += round;
    if (round === 0 || signal.aborted) return handled;
  }
}
