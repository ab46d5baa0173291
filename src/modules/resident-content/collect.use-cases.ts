import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findCampaigns, type Campaign } from '../publishing/index.ts';
import { mastodonAccounts } from './accounts.ts';
import { MastodonError, ownAccountId, tagTimeline } from './mastodon.ts';
import {
  findCursor,
  findLivePostByRemote,
  findLivePostsOfAuthor,
  insertCollectedPost,
  isOptedOut,
  movePost,
  saveCursor,
} from './posts.repository.ts';
import type { ResidentMedia } from './resident-content.schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import { answerByKeyword } from './consent.use-cases.ts';
import { mayCollect, tagKey, type Discovery } from './text.ts';

/** How often the Mastodon hashtag timelines are read. */
export const COLLECT_JOB = 'resident-content.collect';
export const COLLECT_EVERY_MS = 10 * 60_000;

/** The campaigns running today, with their hashtags (compared without `#`, case-insensitive). */
export function activeHashtags(campaigns: readonly Campaign[], now: Date): Map<string, Campaign> {
  const today = now.toISOString().slice(0, 10);
  const tags = new Map<string, Campaign>();
  for (const campaign of campaigns) {
    if (campaign.startsOn && campaign.startsOn > today) continue;
    if (campaign.endsOn && campaign.endsOn < today) continue;
    for (const tag of campaign.hashtags) if (!tags.has(tagKey(tag))) tags.set(tagKey(tag), campaign);
  }
  return tags;
}

/**
 * Reads each running campaign's hashtags on each of the city's Mastodon accounts and keeps the new
 * public posts of accounts that allow discovery (never the city's own, never a boost, never an author
 * who answered NEVER). Answers how many posts were collected.
 */
export async function collectFromMastodon(ctx: AppContext, organisation: Organisation, now = new Date()) {
  const tags = activeHashtags(await findCampaigns(ctx.db, organisation.id), now);
  if (tags.size === 0) return 0;
  let collected = 0;
  for (const { destinationId, account } of await mastodonAccounts(ctx, organisation.id)) {
    let ownId: string;
    try {
      ownId = await ownAccountId(ctx, account);
    } catch (error) {
      ctx.log.warn(
        { destinationId, error: (error as Error).message },
        'residents content: Mastodon account unreadable',
      );
      continue;
    }
    for (const [tag, campaign] of tags) {
      const since = await findCursor(ctx.db, destinationId, tag);
      let statuses;
      try {
        statuses = await tagTimeline(ctx, account, tag, since);
      } catch (error) {
        if (!(error instanceof MastodonError)) throw error;
        ctx.log.warn({ destinationId, error: error.message }, 'residents content: hashtag timeline unreadable');
        continue;
      }
      for (const status of statuses) {
        if (status.reblog || status.visibility !== 'public' || status.account.id === ownId) continue;
        if (!status.tags.includes(tag) || !mayCollect(status.account) || status.text === '') continue;
        if (await isOptedOut(ctx.db, organisation.id, 'mastodon', status.account.acct)) continue;
        const fresh = await insertCollectedPost(ctx.db, {
          organisationId: organisation.id,
          campaignId: campaign.id,
          source: 'mastodon',
          destinationId,
          remoteId: status.id,
          remoteUrl: status.url,
          authorId: status.account.acct,
          authorHandle: `@${status.account.acct}`,
          authorName: status.account.displayName,
          authorUrl: status.account.url,
          language: status.language,
          body: status.text,
          media: status.media,
          hashtag: tag,
          postedAt: status.createdAt,
        });
        if (fresh) collected += 1;
      }
      const newest = statuses.reduce<string | undefined>(
        (max, s) => (max === undefined || BigInt(s.id) > BigInt(max) ? s.id : max),
        since,
      );
      if (newest && newest !== since) await saveCursor(ctx.db, organisation.id, destinationId, tag, newest);
    }
  }
  return collected;
}

/** A note delivered to one of the city's actors, as the fediverse module hands it over. */
export interface FediverseNote {
  iri: string;
  url: string;
  author: Discovery & { iri: string; handle: string | null; name: string | null; url: string | null };
  inReplyTo: string | null;
  text: string;
  hashtags: string[];
  /** Addressed to the public collection (not followers-only, not direct). */
  public: boolean;
  language: string | null;
  media: ResidentMedia[];
  publishedAt: Date;
}

/**
 * A note that reached the city's inboxes: an answer to a consent request (its keyword, from the post's
 * author) or, when public and carrying a running campaign's hashtag, a resident's post to collect.
 */
export async function receiveFediverseNote(ctx: AppContext, organisation: Organisation, note: FediverseNote) {
  if (
    note.inReplyTo &&
    (await answerByKeyword(ctx, organisation, note.inReplyTo, note.author.iri, note.text, note.url))
  )
    return;
  if (!note.public || note.text === '' || !mayCollect(note.author)) return;
  const tags = activeHashtags(await findCampaigns(ctx.db, organisation.id), new Date());
  const tag = note.hashtags.map(tagKey).find((t) => tags.has(t));
  const campaign = tag ? tags.get(tag) : undefined;
  if (!tag || !campaign) return;
  if (await isOptedOut(ctx.db, organisation.id, 'fediverse', note.author.iri)) return;
  await insertCollectedPost(ctx.db, {
    organisationId: organisation.id,
    campaignId: campaign.id,
    source: 'fediverse',
    destinationId: null,
    remoteId: note.iri,
    remoteUrl: note.url,
    authorId: note.author.iri,
    authorHandle: note.author.handle,
    authorName: note.author.name,
    authorUrl: note.author.url,
    language: note.language,
    body: note.text,
    media: note.media,
    hashtag: tag,
    postedAt: note.publishedAt,
  });
}

/**
 * The author deleted a note (`Delete` of the note) or their whole account (`Delete` of the actor): the
 * post leaves the site and the staff list at once, its copy erased; the consent record stays.
 */
export async function fediverseDeleted(
  ctx: AppContext,
  organisationId: number,
  deleted: { objectIri: string; actorIri: string },
): Promise<void> {
  const posts =
    deleted.objectIri === deleted.actorIri
      ? await findLivePostsOfAuthor(ctx.db, organisationId, 'fediverse', deleted.actorIri)
      : await findLivePostByRemote(ctx.db, organisationId, 'fediverse', deleted.objectIri, deleted.actorIri).then(
          (post) => (post ? [post] : []),
        );
  for (const post of posts)
    if (await movePost(ctx.db, post.id, [post.state], 'gone'))
      await recordAudit(ctx.db, {
        organisationId,
        actor: { id: null, label: 'fediverse' },
        action: 'resident-content.gone',
        subjectType: 'resident-post',
        subjectId: post.id,
        before: { state: post.state },
      });
}
