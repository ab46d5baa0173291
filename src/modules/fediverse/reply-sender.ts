import { randomUUID } from 'node:crypto';
import { Create, isActor, Mention } from '@fedify/vocab';
import type { ChannelReplySender } from '../../platform/module.ts';
import { contextFor, deliverTo } from './delivery.ts';
import { findActorById } from './fediverse.repository.ts';
import { findObjectByUuid, insertObject } from './objects.repository.ts';
import { buildObject, instant, objectUri } from './objects.ts';
import { cityLanguage } from './actors.ts';

/** An error the inbox may try again later (the remote server could not be reached). */
class RetryableError extends Error {
  readonly retryable = true;
}

/**
 * Answers written in the inbox to a fediverse reply: a public Note from the actor whose post was answered,
 * replying to the person's latest note and mentioning them, delivered to their inbox (and kept in the
 * actor's objects, so it is served at its address). The thread key is `<city post> <their actor>`, as the
 * inbox listener wrote it.
 */
export const fediverseReplySender: ChannelReplySender = {
  kind: 'fediverse',
  async send(ctx, reply) {
    const organisation = await ctx.organisations.findById(reply.organisationId);
    if (!organisation) throw new Error('The city does not exist.');
    const [postIri] = reply.threadKey.split(' ');
    const uuid = /\/ap\/(?:notes|articles)\/([0-9a-f-]{36})$/.exec(postIri ?? '')?.[1];
    const post = uuid ? await findObjectByUuid(ctx.db, organisation.id, uuid) : undefined;
    if (!post) throw new Error('The city post this conversation answers is not known.');
    const actor = await findActorById(ctx.db, post.actorId);
    if (!actor) throw new Error('The actor of the city post is gone.');
    const fctx = contextFor(ctx, organisation);
    let remote;
    try {
      remote = await fctx.lookupObject(reply.to);
    } catch (error) {
      throw new RetryableError(`The person's account could not be read: ${(error as Error).message}`);
    }
    if (!remote || !isActor(remote) || !remote.id || !remote.inboxId)
      throw new Error("The person's account no longer exists.");
    const username = remote.preferredUsername?.toString();
    const mention = username ? `@${username}@${remote.id.host}` : null;
    const row = await insertObject(ctx.db, {
      organisationId: organisation.id,
      actorId: actor.id,
      uuid: randomUUID(),
      postId: post.postId,
      deliveryId: null,
      type: 'Note',
      title: null,
      content: mention ? `${mention} ${reply.text}` : reply.text,
      summary: null,
      language: cityLanguage(organisation),
      url: null,
      hashtags: [],
      attachments: [],
      inReplyTo: reply.inReplyTo ?? postIri ?? null,
      replyToActor: remote.id.href,
      publishedAt: new Date(),
    });
    const base = buildObject(fctx, actor.handle, row);
    const note = base.clone({
      tags: [...(mention ? [new Mention({ href: remote.id, name: mention })] : [])],
    });
    await deliverTo(
      ctx,
      organisation,
      actor,
      remote,
      new Create({
        id: new URL(`${objectUri(fctx, row).href}#create`),
        actor: fctx.getActorUri(actor.handle),
        object: note,
        tos: note.toIds,
        ccs: note.ccIds,
        published: instant(row.publishedAt),
      }),
      `fediverse:object:${post.uuid}`,
    );
    const uri = objectUri(fctx, row).href;
    return { externalId: uri, url: uri };
  },
};
