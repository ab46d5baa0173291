import type { FastifyRequest } from 'fastify';
import type { MessageKey } from '../../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../../platform/web/html.ts';

/** A sentence saying why the viewer cannot take part, with the way forward (sign in, verify, give a year of birth). */
export function blockerNotice(request: FastifyRequest, code: string | undefined): Html {
  if (!code) return html``;
  const { t } = request;
  if (code === 'AUTHENTICATION_REQUIRED')
    return html`<p class="notice"><a href="/sign-in?next=${encodeURIComponent(request.url)}">${t('participation.signInToTakePart')}</a></p>`;
  if (code === 'PARTICIPATION_NOT_VERIFIED')
    return html`<p class="notice">${t('participation.error.PARTICIPATION_NOT_VERIFIED')} <a href="/account/verification?next=${encodeURIComponent(request.url)}">${t('participation.verify')}</a></p>`;
  if (code === 'PARTICIPATION_BIRTH_YEAR_MISSING')
    return html`<p class="notice">${t('participation.error.PARTICIPATION_BIRTH_YEAR_MISSING')} <a href="/account?next=${encodeURIComponent(request.url)}#birth-year">${t('participation.giveBirthYear')}</a></p>`;
  return html`<p class="notice">${t(`participation.error.${code}` as MessageKey)}</p>`;
}
