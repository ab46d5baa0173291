import type { Translated } from '../../platform/db/schema.ts';
import type { Language } from '../../platform/i18n/languages.ts';
import { localized, translator } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';

/** A composed mail: what `ctx.mail.send` needs besides the organisation and the address. */
export interface ComposedMail {
  subject: string;
  text: string;
}

/** What a confirmation mail asks for, with the link that does it. */
export type ConfirmationMail =
  | { kind: 'report'; category: Translated; link: string }
  | { kind: 'follow'; reportId: number; category: Translated; link: string };

/**
 * The words of the mails that ask an address to confirm (double opt-in): a report sent without
 * signing in, or following a report. Only city texts (the city, the category) and the link are in
 * them, never what the sender typed, so the form cannot be used to send someone else a message.
 */
export function confirmationMail(organisation: Organisation, language: Language, mail: ConfirmationMail): ComposedMail {
  const t = translator(language);
  const city = localized(organisation.name, language, organisation.defaultLanguage);
  const category = localized(mail.category, language, organisation.defaultLanguage);
  const [subject, body] =
    mail.kind === 'report'
      ? [t('reports.mail.confirmReport.subject', { city }), t('reports.mail.confirmReport.body', { city, category })]
      : [
          t('reports.mail.confirmFollow.subject', { id: mail.reportId }),
          t('reports.mail.confirmFollow.body', { id: mail.reportId, city, category }),
        ];
  return {
    subject,
    text: `${body}\n\n${mail.link}\n\n${t('reports.mail.confirmIgnore')}\n\n${t('mail.signature', { city })}`,
  };
}
