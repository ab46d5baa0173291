import { randomBytes } from 'node:crypto';
import { hashToken, randomToken } from '../../platform/auth/tokens.ts';
import type { DemoSeeder } from '../../platform/module.ts';
import { findCampaigns } from '../publishing/index.ts';
import { keywordCode } from './text.ts';
import './resident-content.schema.ts';

const DAY = 86_400_000;

const SAMPLES = [
  {
    handle: 'ioana@mastodon.social',
    name: 'Ioana Pop',
    language: 'ro',
    body: 'Am mers azi pe noua pistă de biciclete de lângă cetate. Liniște, copaci și nicio mașină!',
    alt: 'O pistă de biciclete verde între doi copaci, lângă zidul cetății',
    licence: 'cc-by-4.0',
    months: 12,
    state: 'featured',
  },
  {
    handle: 'mark@fosstodon.org',
    name: 'Mark Jensen',
    language: 'en',
    body: 'The market square at dusk, with the new benches <and> the fountain working again.',
    alt: null,
    licence: 'city-site-only',
    months: 0,
    state: 'featured',
  },
  {
    handle: 'ana@social.example',
    name: 'Ana Lungu',
    language: 'ro',
    body: 'Strada noastră după lucrări: trotuare late și stâlpi noi.',
    alt: 'Un trotuar lat cu stâlpi de iluminat noi',
    licence: 'cc-by-sa-4.0',
    months: 3,
    state: 'asked',
  },
  {
    handle: 'peter@mstdn.example',
    name: 'Peter Kis',
    language: 'hu',
    body: 'Új padok a parkban, végre árnyékban lehet ülni.',
    alt: null,
    licence: 'cc-by-4.0',
    months: 12,
    state: 'collected',
  },
] as const;

/**
 * Residents' posts with the demo campaigns' hashtags: two featured with their consent records (one under
 * CC BY 4.0 for a year, one for the city's site only until withdrawn), one waiting for an answer, one just
 * collected. Back-dated rows, written directly (the consent flow itself is exercised by the tests).
 */
export const seedResidentContent: DemoSeeder = {
  order: 65,
  async seed(ctx, organisation, people) {
    const [campaign] = await findCampaigns(ctx.db, organisation.id);
    if (!campaign) return;
    const tag = campaign.hashtags[0] ?? 'city';
    const staff = Object.values(people.staff)[0] ?? people.admin;
    for (const [index, sample] of SAMPLES.entries()) {
      const [user, host] = sample.handle.split('@');
      const postedAt = new Date(Date.now() - (index + 2) * DAY);
      const post = await ctx.db
        .insertInto('resident_content_post')
        .values({
          organisation_id: organisation.id,
          campaign_id: campaign.id,
          source: 'mastodon',
          remote_id: `demo-${organisation.id}-${index}-${randomBytes(4).toString('hex')}`,
          remote_url: `https://${host}/@${user}/11360000000000${index}`,
          author_id: sample.handle,
          author_handle: `@${sample.handle}`,
          author_name: sample.name,
          author_url: `https://${host}/@${user}`,
          language: sample.language,
          body: `${sample.body} #${tag}`,
          media: JSON.stringify(
            sample.alt
              ? [{ url: `https://${host}/system/media/${index}.jpg`, alt: sample.alt, width: 1200, height: 800 }]
              : [],
          ),
          hashtag: tag.toLowerCase(),
          posted_at: postedAt,
          collected_at: new Date(postedAt.getTime() + 3_600_000),
          state: sample.state,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (sample.state === 'collected') continue;
      const askedAt = new Date(postedAt.getTime() + DAY / 2);
      const request = await ctx.db
        .insertInto('resident_content_request')
        .values({
          organisation_id: organisation.id,
          post_id: post.id,
          asked_by: staff,
          asked_at: askedAt,
          via: 'reply',
          sent_remote_id: `demo-sent-${post.id}`,
          token_hash: hashToken(randomToken()),
          keyword: keywordCode(randomBytes(4)),
          licence: sample.licence,
          months: sample.months,
          expires_at: new Date(askedAt.getTime() + 30 * DAY),
          ...(sample.state === 'featured'
            ? { answered_at: new Date(askedAt.getTime() + 3_600_000), answer: 'consented' as const }
            : {}),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (sample.state !== 'featured') continue;
      const grantedAt = new Date(askedAt.getTime() + 3_600_000);
      const until = sample.months === 0 ? null : new Date(grantedAt.getTime() + sample.months * 30 * DAY);
      await ctx.db
        .insertInto('resident_content_consent')
        .values({
          organisation_id: organisation.id,
          post_id: post.id,
          request_id: request.id,
          author_id: sample.handle,
          granted_at: grantedAt,
          via: index === 0 ? 'keyword' : 'link',
          evidence: JSON.stringify(
            index === 0 ? { answer: `https://${host}/@${user}/1`, keyword: 'demo' } : { link: 'consent page' },
          ),
          licence: sample.licence,
          valid_until: until,
          withdraw_token_hash: hashToken(randomToken()),
        })
        .execute();
    }
  },
};
