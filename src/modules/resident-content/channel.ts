import type { AppContext } from '../../platform/context.ts';
import { mastodonAccountOf } from './accounts.ts';
import { postReply } from './mastodon.ts';
import type { ResidentPost } from './posts.repository.ts';

/** The kind of the fediverse module's sender of notes to a resident (platform ChannelReplySender). */
export const FEDIVERSE_NOTE_SENDER = 'fediverse-note';

export class ChannelUnavailable extends Error {}

/**
 * Sends a message to a post's author on the channel the post came from, as an answer to the post:
 * on Mastodon a status replying to it (public, or `direct`: only the author sees it) with an
 * Idempotency-Key, so a repeat does not post twice; on the fediverse a Note from the city's news desk,
 * through the fediverse module's sender found in the registry. Answers the message's remote id.
 */
export async function sendToAuthor(
  ctx: AppContext,
  post: ResidentPost,
  message: { text: string; language: string; visibility: 'public' | 'direct'; idempotencyKey: string },
): Promise<string> {
  if (post.source === 'mastodon') {
    const account = await mastodonAccountOf(ctx, post.organisationId, post.destinationId);
    if (!account) throw new ChannelUnavailable('The Mastodon account is not configured.');
    const sent = await postReply(ctx, account, {
      text: message.text,
      inReplyToId: post.remoteId,
      visibility: message.visibility,
      language: message.language,
      idempotencyKey: message.idempotencyKey,
    });
    return sent.id;
  }
  if (post.source === 'fediverse') {
    const sender = ctx.registry.channelReplySenders.find((s) => s.kind === FEDIVERSE_NOTE_SENDER);
    if (!sender) throw new ChannelUnavailable('The fediverse module is not installed.');
    const sent = await sender.send(
      ctx,
      {
        organisationId: post.organisationId,
        text: message.text,
        threadKey: `${message.visibility} ${post.remoteId}`,
        inReplyTo: post.remoteId,
        to: post.authorId,
      },
      AbortSignal.timeout(30_000),
    );
    return sent.externalId;
  }
  throw new ChannelUnavailable('Instagram authors are not asked from here.');
}
