import type { Language } from '../../platform/i18n/languages.ts';
import { localized, translator, type MessageKey } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { Answer } from './participation.schema.ts';

/**
 * The mail telling a proposal's follower that the city has answered it, in the follower's language
 * (the presenter of `answerProposal`, which decides who is told; this file holds the words).
 */
export function proposalAnsweredMail(
  organisation: Organisation,
  language: Language,
  proposal: { title: string; answer: Answer; text: string; link: string },
): { subject: string; text: string } {
  const t = translator(language);
  const city = localized(organisation.name, language, organisation.defaultLanguage);
  const status = t(`participation.status.${proposal.answer}` as MessageKey);
  return {
    subject: t('participation.mail.answered.subject', { title: proposal.title }),
    text: t('participation.mail.answered.body', {
      title: proposal.title,
      status,
      answer: proposal.text,
      link: proposal.link,
      city,
    }),
  };
}
