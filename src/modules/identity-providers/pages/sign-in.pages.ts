import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, deleteSession } from '../../../platform/auth/sessions.ts';
import type { AppContext } from '../../../platform/context.ts';
import { errorDefinition } from '../../../platform/errors.ts';
import { cookieOptions, type App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { requireId, safeNext } from '../../../platform/validation.ts';
import { html } from '../../../platform/web/html.ts';
import { renderPage, setNotice } from '../../../platform/web/layout.ts';
import type { OidcFailure } from '../identity-providers.errors.ts';
import { ATTEMPT_MINUTES, finishSignIn, startSignIn, unlink } from '../sign-in.use-cases.ts';

/** The cookie that binds a sign-in attempt to this browser (its hash finds the attempt). */
export const ATTEMPT_COOKIE = 'ic_oidc';
const COOKIE_PATH = '/sign-in/oidc';

function failurePage(request: FastifyRequest, reply: FastifyReply, code: OidcFailure) {
  const { t } = request;
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title: t('identityProviders.failed.title'),
    noIndex: true,
    status: errorDefinition(code)?.status ?? 400,
    main: html`<h1>${t('identityProviders.failed.title')}</h1>
<p>${t(`identityProviders.error.${code}` as MessageKey)}</p>
<p class="muted">${code}</p>
<p><a class="button" href="/sign-in">${t('identityProviders.failed.again')}</a></p>`,
  });
}

/** Starting a sign-in or a linking at a provider, the provider's answer, and unlinking. */
export function registerSignInPages(app: App, ctx: AppContext): void {
  const start = async (request: FastifyRequest, reply: FastifyReply, link: boolean) => {
    const providerId = requireId((request.params as { id?: unknown }).id, 'IDENTITY_PROVIDER_NOT_FOUND');
    const outcome = await startSignIn(ctx, request.organisation, request.viewer, {
      providerId,
      next: safeNext((request.query as { next?: unknown }).next),
      language: request.lang,
      link,
      ip: request.ip,
    });
    if (!outcome.ok) return failurePage(request, reply, outcome.code);
    reply.setCookie(ATTEMPT_COOKIE, outcome.cookie, {
      ...cookieOptions(ctx.config, request, ATTEMPT_MINUTES * 60),
      path: COOKIE_PATH,
    });
    return reply.redirect(outcome.url, 303);
  };

  // GET: a link starts the attempt (a form would be stopped by `form-action 'self'` on the redirect). It
  // changes nothing but a new attempt bound to this browser, so a forged link can at most start a sign-in.
  app.get('/sign-in/oidc/:id', { schema: { hide: true } }, async (request, reply) => start(request, reply, false));
  app.get('/account/identity-providers/:id/link', { schema: { hide: true } }, async (request, reply) =>
    start(request, reply, true),
  );

  app.get('/sign-in/oidc/callback', { schema: { hide: true } }, async (request, reply) => {
    const outcome = await finishSignIn(ctx, request.organisation, request.viewer, {
      cookie: request.cookies[ATTEMPT_COOKIE],
      query: (request.query ?? {}) as Record<string, unknown>,
      language: request.lang,
    });
    reply.clearCookie(ATTEMPT_COOKIE, { path: COOKIE_PATH });
    if (!outcome.ok) return failurePage(request, reply, outcome.code);
    if (outcome.sessionToken) {
      if (request.sessionToken) await deleteSession(ctx.db, request.sessionToken);
      reply.setCookie(
        SESSION_COOKIE,
        outcome.sessionToken,
        cookieOptions(ctx.config, request, ctx.config.sessionDays * 86_400),
      );
    }
    setNotice(
      reply,
      outcome.residence === 'verified'
        ? 'identityProviders.notice.verified'
        : outcome.residence === 'no-birthdate'
          ? 'identityProviders.notice.noBirthdate'
          : outcome.residence === 'refused'
            ? 'identityProviders.notice.notVerified'
            : outcome.sessionToken
              ? 'identityProviders.notice.signedIn'
              : 'identityProviders.notice.linked',
    );
    return reply.redirect(outcome.next, 303);
  });

  app.post('/account/identity-providers/links/:id/unlink', { schema: { hide: true } }, async (request, reply) => {
    const linkId = requireId((request.params as { id?: unknown }).id, 'IDENTITY_PROVIDER_LINK_NOT_FOUND');
    await unlink(ctx, request.viewer, linkId);
    setNotice(reply, 'identityProviders.notice.unlinked');
    return reply.redirect('/account#identity-providers', 303);
  });
}
