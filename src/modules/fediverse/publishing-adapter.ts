import { randomUUID } from 'node:crypto';
import { Delete, Tombstone, Update } from '@fedify/vocab';
import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type {
  ChannelPost,
  DeliveryOutcome,
  DeliveryRef,
  PublishingAdapter,
  PublishingDestination,
} from '../../platform/publishing.ts';
import { ensureActor } from './actors.ts';
import { contextFor, prepareFanOut, queueFanOut } from './delivery.ts';
import { findActorById, findActorCandidates } from './fediverse.repository.ts';
import {
  findObjectByDelivery,
  insertObject,
  markObjectDeleted,
  updateObjectContent,
  type ObjectRow,
} from './objects.repository.ts';
import { buildCreate, buildObject, instant, objectUri } from './objects.ts';

async function cityOf(ctx: AppContext, organisationId: number): Promise<Organisation> {
  const organisation = await ctx.organisations.findById(organisationId);
  if (!organisation) throw new Error('The city of this destination does not exist');
  return organisation;
}

function attachmentsOf(post: ChannelPost) {
  return post.media.map((media) => ({
    url: media.url,
    mediaType: media.contentType,
    alt: media.alt,
    width: media.width,
    height: media.height,
  }));
}

/** Posts are ordered per post at each server: its Create, Updates and Delete arrive in that order. */
function orderingKey(row: ObjectRow): string {
  return `fediverse:object:${row.uuid}`;
}

function outcomeOf(ctx: AppContext, organisation: Organisation, row: ObjectRow): DeliveryOutcome {
  const uri = objectUri(contextFor(ctx, organisation), row).href;
  return { state: 'published', remoteId: uri, url: uri };
}

/**
 * The city's own ActivityPub actors as a publishing channel: the news desk and each department are
 * destinations of their own (built in, one per actor). A post becomes a Note, or an Article when it has a
 * title, stored here (so it is served at its address and in the actor's outbox) and sent as Create to the
 * actor's followers through their servers' shared inboxes; an edit is an Update with `updated`, a removal a
 * Delete with a Tombstone. The object is stored once per delivery, so asking again never posts twice.
 */
export const activityPubAdapter: PublishingAdapter = {
  kind: 'activitypub',
  label: 'fediverse.adapter.label',
  limits: {
    maxCharacters: null,
    maxMedia: 4,
    contentWarning: true,
    title: true,
    edit: true,
    remove: true,
  },
  concurrency: 4,
  async builtInDestinations(ctx, organisationId) {
    const candidates = await findActorCandidates(ctx.db, organisationId);
    return candidates.map((candidate) => ({
      key: candidate.handle,
      name: `@${candidate.handle}`,
      departmentId: candidate.departmentId,
    }));
  },
  // The contract's `state?: Record<…>` (adapter state) collides with DeliveryOutcome's `state` (see the
  // report); this adapter keeps no state of its own, so its outcome is passed as the contract's type.
  publish: (destination, post, ctx) => publishPost(destination, post, ctx),
  async status(destination, delivery, ctx) {
    const organisation = await cityOf(ctx, destination.organisationId);
    const row = await findObjectByDelivery(ctx.db, organisation.id, delivery.deliveryId);
    if (!row || row.deletedAt) return { state: 'not_found' };
    return outcomeOf(ctx, organisation, row);
  },
  async update(destination, delivery, post, ctx) {
    return changeObject(ctx, destination, delivery, async (organisation, row) => {
      const updatedAt = new Date();
      const changed: ObjectRow = {
        ...row,
        title: post.title,
        content: post.text,
        summary: post.contentWarning,
        hashtags: post.hashtags,
        attachments: attachmentsOf(post),
        updatedAt,
      };
      const actor = await findActorById(ctx.db, row.actorId);
      if (!actor) return { state: 'not_found' };
      const prepared = await prepareFanOut(ctx, organisation, actor);
      const fctx = contextFor(ctx, organisation);
      const object = buildObject(fctx, actor.handle, changed);
      const update = new Update({
        id: new URL(`${objectUri(fctx, row).href}#updates/${updatedAt.getTime()}`),
        actor: fctx.getActorUri(actor.handle),
        object,
        tos: object.toIds,
        ccs: object.ccIds,
        updated: instant(updatedAt),
      });
      // the new text and its Update are stored together, or neither
      await ctx.db.transaction().execute(async (tx) => {
        await updateObjectContent(tx, row.id, { ...changed, updatedAt });
        await queueFanOut(ctx, tx, organisation, prepared, update, orderingKey(row));
      });
      ctx.jobs.wake();
      return outcomeOf(ctx, organisation, row);
    });
  },
  async remove(destination, delivery, ctx) {
    return changeObject(ctx, destination, delivery, async (organisation, row) => {
      const deletedAt = new Date();
      const actor = await findActorById(ctx.db, row.actorId);
      if (!actor) {
        await markObjectDeleted(ctx.db, row.id, deletedAt);
        return { state: 'not_found' };
      }
      const prepared = await prepareFanOut(ctx, organisation, actor);
      const fctx = contextFor(ctx, organisation);
      const id = objectUri(fctx, row);
      const del = new Delete({
        id: new URL(`${id.href}#delete`),
        actor: fctx.getActorUri(actor.handle),
        object: new Tombstone({ id, deleted: instant(deletedAt) }),
        to: new URL('https://www.w3.org/ns/activitystreams#Public'),
        cc: fctx.getFollowersUri(actor.handle),
      });
      await ctx.db.transaction().execute(async (tx) => {
        await markObjectDeleted(tx, row.id, deletedAt);
        await queueFanOut(ctx, tx, organisation, prepared, del, orderingKey(row));
      });
      ctx.jobs.wake();
      return { state: 'not_found' };
    });
  },
};

async function publishPost(
  destination: PublishingDestination,
  post: ChannelPost,
  ctx: AppContext,
): Promise<DeliveryOutcome> {
  const organisation = await cityOf(ctx, destination.organisationId);
  const actor = await ensureActor(ctx, organisation, destination.key);
  if (!actor) return { state: 'failed', retryable: false, detail: 'FEDIVERSE_ACTOR_NOT_FOUND' };
  const existing = await findObjectByDelivery(ctx.db, organisation.id, post.deliveryId);
  if (existing) return outcomeOf(ctx, organisation, existing);
  const prepared = await prepareFanOut(ctx, organisation, actor);
  const fctx = contextFor(ctx, organisation);
  // the object (what `status` reports as published) and its Create's fan-out are stored in one
  // transaction: a publish that fails between the two leaves nothing, and the job publishes it again
  const row = await ctx.db.transaction().execute(async (tx) => {
    const stored = await insertObject(tx, {
      organisationId: organisation.id,
      actorId: actor.id,
      uuid: randomUUID(),
      postId: post.postId,
      deliveryId: post.deliveryId,
      type: post.title ? 'Article' : 'Note',
      title: post.title,
      content: post.text,
      summary: post.contentWarning,
      language: post.language,
      url: post.url,
      hashtags: post.hashtags,
      attachments: attachmentsOf(post),
      inReplyTo: null,
      replyToActor: null,
      publishedAt: post.publishedAt,
    });
    const object = buildObject(fctx, actor.handle, stored);
    await queueFanOut(
      ctx,
      tx,
      organisation,
      prepared,
      buildCreate(fctx, actor.handle, object, stored),
      orderingKey(stored),
    );
    return stored;
  });
  ctx.jobs.wake();
  return outcomeOf(ctx, organisation, row);
}

async function changeObject(
  ctx: AppContext,
  destination: PublishingDestination,
  delivery: DeliveryRef,
  change: (organisation: Organisation, row: ObjectRow) => Promise<DeliveryOutcome>,
): Promise<DeliveryOutcome> {
  const organisation = await cityOf(ctx, destination.organisationId);
  const row = await findObjectByDelivery(ctx.db, organisation.id, delivery.deliveryId);
  if (!row || row.deletedAt) return { state: 'not_found' };
  return change(organisation, row);
}
