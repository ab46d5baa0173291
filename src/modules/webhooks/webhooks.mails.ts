import type { Language } from '../../platform/i18n/languages.ts';
import { localized, translator } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';

/** The mail to a subscription's owner when it was paused after failing for its whole retry schedule. */
export function pausedMail(
  organisation: Organisation,
  language: Language,
  url: string,
  page: string,
): { subject: string; text: string } {
  const t = translator(language);
  const city = localized(organisation.name, language, organisation.defaultLanguage);
  return {
    subject: t('webhooks.mail.paused.subject'),
    text: `${t('webhooks.mail.paused.body', { url })}\n\n${page}\n\n${t('mail.signature', { city })}`,
  };
}
