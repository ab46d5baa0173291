import { randomUUID } from 'node:crypto';
import type { Federation, InboxContext } from '@fedify/fedify';
import { Accept, Article, Block, Create, Delete, Follow, Note, Undo, Update, type Actor } from '@fedify/vocab';
import type { AppContext } from '../../platform/context.ts';
import { ingestFediverseMessages } from '../inbox/index.ts';
import { ensureActor } from './actors.ts';
import {
  deleteFollower,
  deleteRemoteActorEverywhere,
  findActorsFollowing,
  markFollowingAccepted,
  upsertFollower,
} from './fediverse.repository.ts';
import { findObjectByUuid } from './objects.repository.ts';
import {
  deleteBlockedBy,
  findReceived,
  insertBlockedBy,
  insertReceived,
  isDomainBlocked,
  markReceivedDeleted,
  updateReceivedContent,
} from './received.repository.ts';
import { DELIVER_JOB, type FediverseData } from './federation-types.ts';
import { htmlToText } from './objects.ts';
import { fediverseDeleted } from '../resident-content/index.ts';
import { handOverNote } from './resident-notes.ts';

/** The longest reply text kept (Mastodon's limit is 500 characters; other servers allow more). */
const MAX_REPLY_TEXT = 20_000;

/**
 * What the city's actors do with activities delivered to their inboxes (or the shared inbox). Fedify has
 * already checked the HTTP signature and that the signing key belongs to the activity's actor; the glue
 * has refused blocked servers, oversized and malformed bodies. Each listener changes only what the
 * activity's own actor may change (a Delete removes only that actor's notes, an Undo only its follow).
 */
export function registerInboxListeners(ctx: AppContext, federation: Federation<FediverseData>): void {
  federation
    .setInboxListeners('/ap/actors/{identifier}/inbox', '/ap/inbox')
    .on(Follow, async (fctx, follow) => {
      if (!follow.id || !follow.actorId || !follow.objectId) return;
      const parsed = fctx.parseUri(follow.objectId);
      if (parsed?.type !== 'actor') return;
      const { organisation } = fctx.data;
      const actor = await ensureActor(ctx, organisation, parsed.identifier);
      if (!actor) return;
      const follower = await follow.getActor(fctx);
      if (!follower?.id || !follower.inboxId || follower.id.href !== follow.actorId.href) return;
      if (await isDomainBlocked(ctx.db, organisation.id, follower.id.hostname)) return;
      const sharedInbox = follower.endpoints?.sharedInbox ?? null;
      // a follower whose inboxes are not public addresses (and not allowed by the operator) is not stored
      if (!(await reachable(ctx, follower.inboxId)) || (sharedInbox && !(await reachable(ctx, sharedInbox)))) return;
      await upsertFollower(ctx.db, {
        organisationId: organisation.id,
        actorId: actor.id,
        remoteActor: follower.id.href,
        remoteHost: follower.id.hostname,
        inbox: follower.inboxId.href,
        sharedInbox: sharedInbox?.href ?? null,
        followId: follow.id.href,
      });
      await fctx.sendActivity(
        { identifier: actor.handle },
        follower,
        new Accept({
          id: new URL(`${fctx.getActorUri(actor.handle).href}#accepts/${randomUUID()}`),
          actor: fctx.getActorUri(actor.handle),
          object: follow,
        }),
      );
      await ctx.jobs.enqueueUnlessWaiting(DELIVER_JOB, {}, {});
      ctx.jobs.wake();
    })
    .on(Accept, async (fctx, accept) => {
      // the Follow is known by its id (ours); an embedded copy from another server is not trusted anyway
      if (!accept.actorId || !accept.objectId) return;
      await markFollowingAccepted(ctx.db, fctx.data.organisation.id, accept.objectId.href, accept.actorId.href);
    })
    .on(Undo, async (fctx, undo) => {
      const object = await objectOf(fctx, undo);
      if (!undo.actorId || !object) return;
      if (object instanceof Follow || object instanceof Block) {
        if (object.actorId?.href !== undo.actorId.href || !object.objectId) return;
        const parsed = fctx.parseUri(object.objectId);
        if (parsed?.type !== 'actor') return;
        const actor = await ensureActor(ctx, fctx.data.organisation, parsed.identifier);
        if (!actor) return;
        if (object instanceof Follow) await deleteFollower(ctx.db, actor.id, undo.actorId.href);
        else await deleteBlockedBy(ctx.db, actor.id, undo.actorId.href);
      }
    })
    .on(Block, async (fctx, block) => {
      if (!block.actorId || !block.objectId) return;
      const parsed = fctx.parseUri(block.objectId);
      if (parsed?.type !== 'actor') return;
      const { organisation } = fctx.data;
      const actor = await ensureActor(ctx, organisation, parsed.identifier);
      if (!actor) return;
      // whoever blocks the city's actor no longer receives its posts
      await insertBlockedBy(ctx.db, {
        organisationId: organisation.id,
        actorId: actor.id,
        remoteActor: block.actorId.href,
      });
      await deleteFollower(ctx.db, actor.id, block.actorId.href);
    })
    .on(Delete, async (fctx, del) => {
      if (!del.actorId || !del.objectId) return;
      const { organisation } = fctx.data;
      if (del.objectId.href === del.actorId.href)
        await deleteRemoteActorEverywhere(ctx.db, organisation.id, del.actorId.href);
      else await markReceivedDeleted(ctx.db, organisation.id, del.objectId.href, del.actorId.href);
      // a resident's post shown with consent leaves the site with it
      await fediverseDeleted(ctx, organisation.id, { objectIri: del.objectId.href, actorIri: del.actorId.href });
    })
    .on(Create, async (fctx, create) => {
      await receiveNote(ctx, fctx, create);
    })
    .on(Update, async (fctx, update) => {
      const object = await objectOf(fctx, update);
      if (!(object instanceof Note) || !object.id || !update.actorId) return;
      if (object.attributionId?.href !== update.actorId.href) return;
      const received = await findReceived(ctx.db, fctx.data.organisation.id, object.id.href);
      if (!received || received.remote_actor !== update.actorId.href || received.deleted_at) return;
      await updateReceivedContent(ctx.db, received.id, noteText(object));
    })
    .onUnverifiedActivity(async (fctx, activity, reason) => {
      // Mastodon signs an account's own Delete with a key that is gone (410): the account is gone, so its
      // follows go too. Nothing else is accepted unsigned.
      if (
        activity instanceof Delete &&
        activity.actorId &&
        activity.objectId?.href === activity.actorId.href &&
        reason.type === 'keyFetchError' &&
        'status' in reason.result &&
        reason.result.status === 410
      ) {
        await deleteRemoteActorEverywhere(ctx.db, fctx.data.organisation.id, activity.actorId.href);
        const gone = activity.actorId.href;
        await fediverseDeleted(ctx, fctx.data.organisation.id, { objectIri: gone, actorIri: gone });
        return new Response(null, { status: 202 });
      }
      return undefined;
    })
    .onError((_fctx, error) => {
      ctx.log.warn({ error: error.message }, 'fediverse: an activity could not be handled');
    });
}

/** The object of an activity, embedded or fetched; undefined when it cannot be had. */
async function objectOf(
  fctx: InboxContext<FediverseData>,
  activity: Accept | Undo | Update,
): Promise<Awaited<ReturnType<Accept['getObject']>> | undefined> {
  try {
    return await activity.getObject(fctx);
  } catch {
    return undefined;
  }
}

/** When a note says it was published (Temporal's Instant, read without Temporal types), else now. */
function publishedAt(note: Note | Article): Date {
  const published = note.published as { epochMilliseconds?: unknown } | null;
  return typeof published?.epochMilliseconds === 'number' ? new Date(published.epochMilliseconds) : new Date();
}

function noteText(note: Note | Article): string {
  const content = note.content;
  return htmlToText(typeof content === 'string' ? content : (content?.toString() ?? '')).slice(0, MAX_REPLY_TEXT);
}

async function reachable(ctx: AppContext, url: URL): Promise<boolean> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  try {
    await ctx.outbound.destination(url.hostname, Number(url.port) || (url.protocol === 'https:' ? 443 : 80));
    return true;
  } catch {
    return false;
  }
}

/**
 * A Note replying to one of the city's posts becomes a message in the inbox: one conversation per person
 * and post (the thread key), answered from the inbox as a Note replying to the latest of theirs.
 */
async function receiveNote(ctx: AppContext, fctx: InboxContext<FediverseData>, create: Create): Promise<void> {
  let object;
  try {
    object = await create.getObject(fctx);
  } catch {
    return;
  }
  if (!(object instanceof Note || object instanceof Article) || !object.id || !create.actorId) return;
  if (object.attributionId?.href !== create.actorId.href) return;
  // residents' content: hashtag notes collected, answers to consent requests read
  await handOverNote(ctx, fctx, create, object);
  const target = object.replyTargetId;
  const parsed = target ? fctx.parseUri(target) : null;
  const { organisation } = fctx.data;
  if (parsed?.type !== 'object' || typeof parsed.values.uuid !== 'string') {
    // a post of an account one of the city's actors follows (another city's news desk): kept for staff
    for (const actorId of await findActorsFollowing(ctx.db, organisation.id, create.actorId.href))
      await insertReceived(ctx.db, {
        organisationId: organisation.id,
        actorId,
        iri: object.id.href,
        remoteActor: create.actorId.href,
        objectId: null,
        activityType: 'Create',
        content: noteText(object),
      });
    return;
  }
  const post = await findObjectByUuid(ctx.db, organisation.id, parsed.values.uuid);
  if (!post || post.deletedAt) return;
  const text = noteText(object);
  if (text === '') return;
  const fresh = await insertReceived(ctx.db, {
    organisationId: organisation.id,
    actorId: post.actorId,
    iri: object.id.href,
    remoteActor: create.actorId.href,
    objectId: post.id,
    activityType: 'Create',
    content: text,
  });
  if (!fresh) return;
  let author: Actor | null;
  try {
    author = await create.getActor(fctx);
  } catch {
    author = null;
  }
  const username = author?.preferredUsername?.toString();
  await ingestFediverseMessages(ctx, organisation.id, [
    {
      externalId: object.id.href,
      threadKey: `${target?.href ?? ''} ${create.actorId.href}`,
      inReplyTo: target?.href,
      author: {
        externalId: create.actorId.href,
        name: author?.name?.toString() ?? username,
        handle: username ? `@${username}@${create.actorId.host}` : undefined,
      },
      text,
      url: object.url instanceof URL ? object.url.href : object.id.href,
      sentAt: publishedAt(object),
      raw: { id: object.id.href, type: 'Note', inReplyTo: target?.href, postId: post.postId },
    },
  ]);
}
