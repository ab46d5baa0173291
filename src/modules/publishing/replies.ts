import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { hashtagsIn } from './channels/social-api.ts';
import {
  findCampaignHashtags,
  findLinkBatch,
  insertCampaignMessages,
  lastMessageIdOfBatch,
  linkRepliesInBatch,
  saveLinkCursor,
} from './replies.repository.ts';

/** The recurring job that links replies to the city's posts and tags campaign hashtags in the inbox. */
export const LINK_REPLIES_JOB = 'publishing.link-replies';
export const LINK_REPLIES_EVERY_MS = 30_000;
const BATCH = 1000;

/** A hashtag as campaigns and messages are compared: without `#`, lower case. */
function tagKey(tag: string): string {
  return tag.replace(/^#/, '').normalize('NFC').toLocaleLowerCase('und');
}

/**
 * Reads the city's inbox messages that arrived since the last run, in batches, and in the same
 * transaction as the cursor: links each conversation that answers one of the city's deliveries
 * (publishing_reply) and tags each message carrying a campaign's hashtag (publishing_campaign_message).
 * Safe to run twice at once (the cursor row is locked) and again after a crash (rows are inserted once).
 */
export async function linkNewMessages(
  ctx: AppContext,
  organisationId: number,
): Promise<{ read: number; linked: number; tagged: number }> {
  const total = { read: 0, linked: 0, tagged: 0 };
  for (;;) {
    const step = await inTransaction(ctx.db, async (tx) => {
      const { after, messages } = await findLinkBatch(tx, organisationId, BATCH);
      const upto = await lastMessageIdOfBatch(tx, organisationId, after, BATCH);
      if (upto === undefined) return undefined;
      const linked = await linkRepliesInBatch(tx, organisationId, after, upto);
      const campaigns = await findCampaignHashtags(tx, organisationId);
      const rows = [];
      for (const message of messages) {
        const tags = new Set(hashtagsIn(message.body).map(tagKey));
        for (const campaign of campaigns) {
          const hashtag = campaign.hashtags.find((tag) => tags.has(tagKey(tag)));
          if (hashtag !== undefined)
            rows.push({
              organisation_id: organisationId,
              message_id: message.id,
              campaign_id: campaign.id,
              hashtag: tagKey(hashtag),
            });
        }
      }
      await insertCampaignMessages(tx, rows);
      await saveLinkCursor(tx, organisationId, upto);
      return { read: messages.length, linked, tagged: rows.length };
    });
    if (!step) return total;
    total.read += step.read;
    total.linked += step.linked;
    total.tagged += step.tagged;
  }
}

/** The job: every city in turn. */
export async function linkRepliesJob(ctx: AppContext): Promise<void> {
  for (const organisation of await ctx.organisations.findAll()) await linkNewMessages(ctx, organisation.id);
}
