import type { FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { dateFormat } from '../../../platform/i18n/format.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import type { SubjectRef, SubjectSection } from '../../../platform/module.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { findConversationCampaigns, findReplyLink } from '../replies.repository.ts';

const EXCERPT = 140;

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT ? `${line.slice(0, EXCERPT - 1)}…` : line;
}

/**
 * Under an inbox conversation (subject `inbox_conversation`): which of the city's posts it answers (the
 * post's text, the channel, when it was published, a link to it there) and the campaigns it belongs to
 * (the post's campaign, and those whose hashtags its messages carry). Shown to staff and moderators
 * only; nothing when the conversation answers no post and carries no campaign hashtag.
 */
async function render(request: FastifyRequest, ctx: AppContext, subject: SubjectRef): Promise<Html | null> {
  if (subject.type !== 'inbox_conversation') return null;
  const viewer = request.viewer;
  if (!hasRole(viewer, 'staff') && !hasRole(viewer, 'moderator')) return null;
  const { t, organisation } = request;
  const [link, tagged] = await Promise.all([
    findReplyLink(ctx.db, organisation.id, subject.id),
    findConversationCampaigns(ctx.db, organisation.id, subject.id),
  ]);
  const campaigns = new Map<number, string>();
  if (link?.campaign)
    campaigns.set(link.campaign.id, localized(link.campaign.name, request.lang, organisation.defaultLanguage));
  for (const campaign of tagged)
    campaigns.set(campaign.id, localized(campaign.name, request.lang, organisation.defaultLanguage));
  if (!link && campaigns.size === 0) return null;
  const when = link?.publishedAt
    ? dateFormat(request.lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: organisation.timeZone }).format(
        link.publishedAt,
      )
    : null;
  return html`<section class="staff-panel" aria-labelledby="publishing-reply-title" data-publishing-reply>
<h2 id="publishing-reply-title">${link ? t('publishing.social.reply.title') : t('publishing.social.reply.campaigns')}</h2>
${
  link
    ? html`<p>${t('publishing.social.reply.answers', { channel: link.destinationName })}</p>
<blockquote lang="${link.language}"><p>${link.text ? excerpt(link.text) : t('publishing.social.reply.noText')}</p></blockquote>
<p>${when ? html`${t('publishing.social.reply.published', { date: when })} ` : ''}${
        link.remoteUrl
          ? html`<a href="${link.remoteUrl}" rel="noopener noreferrer">${t('publishing.social.reply.open', { channel: link.destinationName })}</a>`
          : ''
      }</p>`
    : ''
}
${
  campaigns.size > 0
    ? html`<p>${t('publishing.social.reply.campaign')} <span data-campaigns>${[...campaigns.values()].join(', ')}</span></p>`
    : ''
}
</section>`;
}

export const inboxReplySection: SubjectSection = { order: 50, render };
