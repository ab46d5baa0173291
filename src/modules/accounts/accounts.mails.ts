import type { Language } from '../../platform/i18n/languages.ts';
import { localized, translator } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';

/** A composed mail: what `ctx.mail.send` needs besides the organisation and the address. */
export interface ComposedMail {
  subject: string;
  text: string;
}

/**
 * The account mails in the recipient's language (the presenter of the accounts use cases: they decide
 * who gets which mail with which link; this file holds the words). docs/ARCHITECTURE.md, "Outcomes".
 */
export function accountMail(
  organisation: Organisation,
  language: Language,
  mail: { kind: 'confirm' | 'reset'; name: string; link: string },
): ComposedMail {
  const t = translator(language);
  const city = localized(organisation.name, language, organisation.defaultLanguage);
  const body =
    mail.kind === 'confirm' ? t('mail.confirm.body', { link: mail.link }) : t('mail.reset.body', { link: mail.link });
  return {
    subject: mail.kind === 'confirm' ? t('mail.confirm.subject', { city }) : t('mail.reset.subject', { city }),
    text: `${t('mail.greeting', { name: mail.name })}\n\n${body}\n\n${t('mail.signature', { city })}`,
  };
}
