import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import type { SiteBanner } from '../../../platform/module.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { readForm } from '../../../platform/web/forms.ts';
import { decideByReviewLink, openReviewLink } from '../approval.use-cases.ts';
import { findMediaData } from '../media.repository.ts';
import { findDecisions, findPinnedCrisis } from '../posts.repository.ts';
import { ReviewDecisionForm } from '../publishing.forms.ts';
import { fieldTexts, languageName, paramOf, textareaField } from './shared.ts';

function tokenOf(request: FastifyRequest): string {
  const token = (request.params as Record<string, unknown>).token;
  return typeof token === 'string' ? token : '';
}

async function reviewPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  errors: Record<string, string> = {},
  status = 200,
) {
  const { t } = request;
  const token = tokenOf(request);
  const { link, post } = await openReviewLink(ctx, request.organisation, token);
  const decisions = await findDecisions(ctx.db, post.id);
  const decisionLabel = {
    comment: 'publishing.review.comment',
    approved: 'publishing.review.approve',
    changes_requested: 'publishing.review.changes',
  } as const;
  return renderPage(request, reply, {
    title: t('publishing.review.title'),
    noIndex: true,
    status,
    main: html`<h1>${t('publishing.review.title')}</h1>
<p>${t('publishing.review.intro', { name: link.reviewerName })}</p>
${errorSummary(request, errors)}
${Object.entries(post.texts).map(
  ([language, text]) =>
    html`<section aria-labelledby="text-${language}"><h2 id="text-${language}">${languageName(language)}</h2><div lang="${language}">${text.title ? html`<p><strong>${text.title}</strong></p>` : ''}<p class="publishing-text">${text.body}</p></div></section>`,
)}
${post.media.length ? html`<h2>${t('publishing.media.title')}</h2><ul>${post.media.map((m) => html`<li>${Object.entries(m.alt).map(([language, alt]) => html`${languageName(language)}: <span lang="${language}">${alt}</span> `)}</li>`)}</ul>` : ''}
<h2>${t('publishing.post.history')}</h2>
<ul>${decisions.filter((d) => d.comment).map((d) => html`<li>${d.userName ?? d.reviewerName ?? ''}: ${d.comment}</li>`)}</ul>
<form method="post" action="/publishing/review/${token}" novalidate>${csrfField(request)}
${textareaField({ name: 'comment', label: t('publishing.field.comment'), value: '', error: errors.comment, rows: 4 })}
<fieldset><legend>${t('publishing.review.decision')}</legend>
${(['comment', 'approved', 'changes_requested'] as const).map(
  (value, index) =>
    html`<div class="checkbox"><input type="radio" id="decision-${value}" name="decision" value="${value}"${index === 0 ? raw(' checked') : ''}><label for="decision-${value}">${t(decisionLabel[value])}</label></div>`,
)}</fieldset>
<button type="submit" class="button">${t('publishing.review.send')}</button></form>`,
  });
}

const bannerCache = new Map<number, { until: number; value: Awaited<ReturnType<typeof findPinnedCrisis>> }>();

/** Forgets the banners read (tests; a crisis published in this process shows at once). */
export function forgetCrisisBanners(): void {
  bannerCache.clear();
}

/** The crisis broadcast pinned now, as a banner on every page (read at most every 15 s per city). */
export function crisisBanner(): SiteBanner {
  return {
    async render(request, ctx) {
      const organisationId = request.organisation.id;
      let hit = bannerCache.get(organisationId);
      if (!hit || hit.until < Date.now()) {
        hit = { until: Date.now() + 15_000, value: await findPinnedCrisis(ctx.db, organisationId, new Date()) };
        bannerCache.set(organisationId, hit);
      }
      const crisis = hit.value;
      if (!crisis) return null;
      const texts = Object.fromEntries(
        Object.entries(crisis.texts).map(([language, text]) => [language, text.title || text.body.slice(0, 280)]),
      );
      const language = texts[request.lang] ? request.lang : (Object.keys(texts)[0] ?? request.lang);
      return html`<section class="site-banner" role="region" aria-label="${request.t('publishing.crisis.label')}"><p><strong>${request.t('publishing.crisis.label')}:</strong> <span lang="${language}">${localized(texts, request.lang, request.organisation.defaultLanguage)}</span></p></section>`;
    },
  };
}

/** The outside reviewer's page (no account, only this post) and the pictures of posts. */
export function registerReviewPages(app: App, ctx: AppContext): void {
  app.get('/publishing/review/:token', { schema: { hide: true } }, async (request, reply) =>
    reviewPage(ctx, request, reply),
  );
  app.post('/publishing/review/:token', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(ReviewDecisionForm, request.body);
    if (!form.ok)
      return reviewPage(
        ctx,
        request,
        reply,
        fieldTexts(request, Object.fromEntries(form.errors.map((e) => [e.field, e.code]))),
        400,
      );
    const outcome = await decideByReviewLink(
      ctx,
      request.organisation,
      tokenOf(request),
      form.value.decision,
      form.value.comment,
    );
    if (!outcome.ok) return reviewPage(ctx, request, reply, fieldTexts(request, outcome.fields), 400);
    setNotice(reply, 'publishing.notice.reviewSent');
    return reply.redirect(`/publishing/review/${tokenOf(request)}`, 303);
  });

  app.get('/publishing/media/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = paramOf(request, 'id');
    const media = id === undefined ? undefined : await findMediaData(ctx.db, request.organisation.id, id);
    // pictures of posts not yet published are for staff only
    if (!media || (media.postState !== 'published' && !hasRole(request.viewer, 'staff')))
      throw new AppError('NOT_FOUND');
    return reply
      .type(media.contentType)
      .header('cache-control', media.postState === 'published' ? 'public, max-age=86400' : 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(Buffer.from(media.data));
  });
}
