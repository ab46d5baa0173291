import type { AppContext } from '../../../platform/context.ts';
import { findChannelRecord, findOrCreateChannelOfKind } from '../channels.repository.ts';
import { ingestMessages } from '../ingest.ts';
import { ChannelError, type ChannelAdapter, type IncomingMessage } from './channel.ts';

/**
 * Replies to the city's posts on the fediverse. The fediverse module receives them (ActivityPub inboxes)
 * and hands them over through `ingestFediverseMessages`; answers go back through the reply sender the
 * fediverse module declares in its manifest (`channelReplySenders`), found here by kind, so the inbox
 * never imports that module. The channel is created on first use, one per city, with no settings.
 */
export const fediverseAdapter: ChannelAdapter = {
  kind: 'fediverse',
  fields: [],
  async reply(channel, reply, signal, ctx) {
    const sender = ctx.registry.channelReplySenders.find((candidate) => candidate.kind === 'fediverse');
    if (!sender) throw new ChannelError('No module sends answers to the fediverse.', { retryable: false });
    try {
      return await sender.send(
        ctx,
        {
          organisationId: channel.organisationId,
          text: reply.text,
          threadKey: reply.threadKey,
          inReplyTo: reply.inReplyTo,
          to: reply.to.externalId,
        },
        signal,
      );
    } catch (error) {
      if (error instanceof ChannelError) throw error;
      const retryable = (error as { retryable?: unknown } | null)?.retryable === true;
      throw new ChannelError(error instanceof Error ? error.message : 'The answer was not sent.', {
        retryable,
        cause: error,
      });
    }
  },
  async health() {
    return { ok: true };
  },
};

/** Stores replies received on the fediverse in the city's fediverse channel (created on first use). */
export async function ingestFediverseMessages(
  ctx: AppContext,
  organisationId: number,
  messages: IncomingMessage[],
): Promise<{ stored: number; conversationIds: number[] }> {
  const id = await findOrCreateChannelOfKind(ctx.db, ctx.config.secretKey, organisationId, 'fediverse', 'Fediverse');
  const channel = await findChannelRecord(ctx.db, ctx.config.secretKey, organisationId, id, 'fediverse');
  if (!channel?.enabled) return { stored: 0, conversationIds: [] };
  const outcome = await ingestMessages(ctx.db, ctx.jobs, channel, messages);
  return { stored: outcome.stored, conversationIds: outcome.conversationIds };
}
