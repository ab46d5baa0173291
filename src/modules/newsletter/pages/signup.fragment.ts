import type { FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField } from '../../../platform/web/layout.ts';
import { languageName } from './choices.view.ts';

/**
 * A compact subscribe form for another module's page (the city's news page): the address and the city's
 * languages, the reader's own checked; it posts to /newsletter, which answers with the full form when
 * something is wrong. Plain HTML, no script. Ids are prefixed so it can sit beside other forms.
 */
export function newsletterSignup(request: FastifyRequest): Html {
  const { t, organisation } = request;
  const languages = organisation.languages;
  return html`<section class="newsletter-signup" aria-labelledby="newsletter-signup-title">
<h2 id="newsletter-signup-title">${t('newsletter.subscribe.title')}</h2>
<form method="post" action="/newsletter" class="stack">
  ${csrfField(request)}
  <div class="field">
    <label for="newsletter-signup-email">${t('newsletter.field.email')}</label>
    <input id="newsletter-signup-email" name="email" type="email" autocomplete="email" maxlength="254" required value="${request.viewer?.email ?? ''}">
  </div>
  ${
    languages.length === 1
      ? html`<input type="hidden" name="languages" value="${languages[0]}">`
      : html`<fieldset class="field"><legend>${t('newsletter.field.languages')}</legend>
    ${languages.map(
      (
        code,
      ) => html`<div class="checkbox"><input type="checkbox" id="newsletter-signup-${code}" name="languages" value="${code}"${code === request.lang ? raw(' checked') : ''}>
      <label for="newsletter-signup-${code}" lang="${code}">${languageName(code)}</label></div>`,
    )}
  </fieldset>`
  }
  <button type="submit" class="button">${t('newsletter.subscribe.submit')}</button>
</form>
</section>`;
}
