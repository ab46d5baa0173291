import type { FastifyRequest } from 'fastify';
import { localized } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, formatDate } from '../../../platform/web/layout.ts';
import type { SignInChoice } from '../sign-in.use-cases.ts';

function providerName(request: FastifyRequest, name: Record<string, string>): string {
  return localized(name, request.lang, request.organisation.defaultLanguage);
}

/**
 * "Sign in with …" buttons under the password form: plain links (no script needed). Not forms: the
 * site's Content-Security-Policy (`form-action 'self'`) stops a form submission that redirects to another
 * origin, and the start redirects to the provider. Then the note that a first sign-in makes an account
 * under the city's texts.
 */
export function signInButtons(request: FastifyRequest, choices: readonly SignInChoice[], next: string): Html {
  if (choices.length === 0) return html``;
  const { t } = request;
  return html`<section aria-labelledby="identity-providers-title" class="stack">
  <h2 id="identity-providers-title">${t('identityProviders.signIn.title')}</h2>
  <ul class="plain-list stack">${choices.map(
    (choice) =>
      html`<li><a class="button button--secondary" href="/sign-in/oidc/${choice.id}?next=${encodeURIComponent(next)}">${t('identityProviders.signIn.with', { name: providerName(request, choice.name) })}</a>${choice.audience === 'staff' ? html` <span class="muted">${t('identityProviders.signIn.staffOnly')}</span>` : ''}</li>`,
  )}</ul>
  <p class="muted">${t('identityProviders.signIn.terms')} <a href="/code-of-conduct">${t('legal.conduct.title')}</a>, <a href="/privacy">${t('legal.privacy.title')}</a>.</p>
</section>`;
}

export interface LinkView {
  id: number;
  providerId: number;
  name: Record<string, string>;
  email: string | null;
  linkedAt: Date;
  lastUsedAt: Date | null;
}

/** The account page's section: the linked providers (each with an unlink button), and providers to link. */
export function linkedProvidersSection(
  request: FastifyRequest,
  links: readonly LinkView[],
  choices: readonly SignInChoice[],
): Html {
  const { t } = request;
  if (links.length === 0 && choices.length === 0) return html``;
  const linkable = choices.filter((choice) => !links.some((link) => link.providerId === choice.id));
  return html`<section aria-labelledby="identity-providers-title" id="identity-providers">
  <h2 id="identity-providers-title">${t('identityProviders.account.title')}</h2>
  <p>${t('identityProviders.account.text')}</p>
  ${
    links.length === 0
      ? html`<p>${t('identityProviders.account.none')}</p>`
      : html`<ul class="stack">${links.map(
          (
            link,
          ) => html`<li><strong>${providerName(request, link.name)}</strong>${link.email ? html` (${link.email})` : ''}
    <br><span class="muted">${t('identityProviders.account.linkedAt', { date: formatDate(request, link.linkedAt) })}</span>
    <form method="post" action="/account/identity-providers/links/${link.id}/unlink">
      ${csrfField(request)}
      <button type="submit" class="button button--secondary">${t('identityProviders.account.unlink', { name: providerName(request, link.name) })}</button>
    </form></li>`,
        )}</ul>`
  }
  ${linkable.length > 0 ? html`<ul class="plain-list stack">${linkable.map((choice) => html`<li><a class="button button--secondary" href="/account/identity-providers/${choice.id}/link">${t('identityProviders.account.link', { name: providerName(request, choice.name) })}</a></li>`)}</ul>` : ''}
</section>`;
}
