import type { FastifyReply, FastifyRequest } from 'fastify';
import { consumeRateLimit } from '../../../platform/auth/rate-limit.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, formatDate, renderPage } from '../../../platform/web/layout.ts';
import { readForm } from '../../../platform/web/forms.ts';
import { answerByLink, openConsentLink, openWithdrawLink, withdrawByLink } from '../consent.use-cases.ts';
import { isLicence } from '../licences.ts';
import { findPost } from '../posts.repository.ts';
import { ConsentForm } from '../resident-content.forms.ts';
import { licenceLabel } from '../resident-content.messages.ts';
import { licenceChoices, periodChoices, postCard } from './post-card.ts';

function tokenOf(request: FastifyRequest): string {
  const token = (request.params as Record<string, unknown>).token;
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(token))
    throw new AppError('RESIDENT_CONSENT_LINK_INVALID');
  return token;
}

/** Public writes are limited per address: 20 answers an hour. */
async function limit(ctx: AppContext, request: FastifyRequest): Promise<void> {
  const outcome = await consumeRateLimit(ctx.db, request.organisation.id, {
    key: `resident-consent:ip:${request.ip}`,
    limit: 20,
    windowSeconds: 3600,
  });
  if (!outcome.allowed) throw new AppError('RATE_LIMITED');
}

async function consentPage(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, status = 200, error = false) {
  const token = tokenOf(request);
  const { request: asked, post } = await openConsentLink(ctx, request.organisation, token);
  const { t } = request;
  return renderPage(request, reply, {
    title: t('residentContent.consent.title'),
    noIndex: true,
    status,
    main: html`<h1>${t('residentContent.consent.title')}</h1>
<p>${t('residentContent.consent.lead')}</p>
${postCard(request, post, { headingLevel: 2 })}
${error ? html`<div class="error-summary" role="alert" tabindex="-1"><p>${t('residentContent.consent.invalid')}</p></div>` : ''}
<form method="post" action="/consent/${token}">${csrfField(request)}
${licenceChoices(request, asked.licence, t('residentContent.consent.licence'))}
${periodChoices(request, String(asked.months ?? 0), t('residentContent.consent.period'))}
<p>${t('residentContent.consent.explain')}</p>
<button type="submit" name="answer" value="consented" class="button">${t('residentContent.consent.agree')}</button>
<button type="submit" name="answer" value="declined" class="button secondary">${t('residentContent.consent.decline')}</button>
<button type="submit" name="answer" value="never" class="button secondary">${t('residentContent.consent.never')}</button>
</form>`,
  });
}

export function registerConsentPages(app: App, ctx: AppContext): void {
  app.get('/consent/:token', { schema: { hide: true } }, (request, reply) => consentPage(ctx, request, reply));
  app.post('/consent/:token', { schema: { hide: true } }, async (request, reply) => {
    const token = tokenOf(request);
    await limit(ctx, request);
    const form = readForm(ConsentForm, request.body);
    if (!form.ok) return consentPage(ctx, request, reply, 400, true);
    let outcome;
    try {
      outcome = await answerByLink(ctx, request.organisation, request.viewer, token, form.value);
    } catch (error) {
      if (error instanceof AppError && error.code === 'RESIDENT_CONSENT_INVALID')
        return consentPage(ctx, request, reply, 400, true);
      throw error;
    }
    const { t } = request;
    const withdrawLink = outcome.withdrawToken
      ? absoluteUrl(request.server, request.organisation, `/consent/withdraw/${outcome.withdrawToken}`)
      : null;
    return renderPage(request, reply, {
      title: t('residentContent.consent.thanksTitle'),
      noIndex: true,
      main: html`<h1>${t('residentContent.consent.thanksTitle')}</h1>${
        withdrawLink
          ? html`<p>${t('residentContent.consent.thanksConsented')}</p><p>${t('residentContent.consent.keepLink')}</p>
<p><a href="${withdrawLink}">${withdrawLink}</a></p><p><a href="/residents">${t('residentContent.public.title')}</a></p>`
          : html`<p>${t(outcome.answer === 'never' ? 'residentContent.consent.thanksNever' : 'residentContent.consent.thanksDeclined')}</p>`
      }`,
    });
  });
  app.get('/consent/withdraw/:token', { schema: { hide: true } }, async (request, reply) => {
    const token = tokenOf(request);
    const consent = await openWithdrawLink(ctx, request.organisation, token);
    const post = await findPost(ctx.db, request.organisation.id, consent.post_id);
    const { t } = request;
    return renderPage(request, reply, {
      title: t('residentContent.withdraw.title'),
      noIndex: true,
      main: html`<h1>${t('residentContent.withdraw.title')}</h1>${
        consent.withdrawn_at
          ? html`<p>${t('residentContent.withdraw.already')}</p>`
          : html`<p>${t('residentContent.withdraw.lead', {
              date: formatDate(request, new Date(consent.granted_at)),
              licence: isLicence(consent.licence) ? licenceLabel(t, consent.licence) : consent.licence,
            })}</p>${post && post.state === 'featured' ? postCard(request, post, { headingLevel: 2 }) : ''}
<form method="post" action="/consent/withdraw/${token}">${csrfField(request)}<button type="submit" class="button">${t('residentContent.withdraw.confirm')}</button></form>`
      }`,
    });
  });
  app.post('/consent/withdraw/:token', { schema: { hide: true } }, async (request, reply) => {
    const token = tokenOf(request);
    await limit(ctx, request);
    await withdrawByLink(ctx, request.organisation, token);
    const { t } = request;
    return renderPage(request, reply, {
      title: t('residentContent.withdraw.title'),
      noIndex: true,
      main: html`<h1>${t('residentContent.withdraw.title')}</h1><p>${t('residentContent.withdraw.done')}</p>`,
    });
  });
}
