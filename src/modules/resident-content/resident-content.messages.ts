import { isLanguage, type Language } from '../../platform/i18n/languages.ts';
import { translator, type Translate } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { localized } from '../../platform/i18n/translate.ts';
import type { Licence } from './licences.ts';

/**
 * The words of the messages sent to authors on their channel (the use cases decide when): asking consent,
 * and thanking with the withdrawal link after a keyword answer. Written in the post's language when the
 * city speaks it, else in the city's first language.
 */
function languageFor(organisation: Organisation, language: string | null): Language {
  const wanted = language?.slice(0, 2) ?? '';
  if (isLanguage(wanted) && organisation.languages.includes(wanted)) return wanted;
  return isLanguage(organisation.defaultLanguage) ? organisation.defaultLanguage : 'en';
}

export function licenceLabel(t: Translate, licence: Licence): string {
  if (licence === 'cc-by-4.0') return t('residentContent.licence.ccBy');
  if (licence === 'cc-by-sa-4.0') return t('residentContent.licence.ccBySa');
  return t('residentContent.licence.citySiteOnly');
}

export function periodLabel(t: Translate, months: number): string {
  return months === 0
    ? t('residentContent.period.untilWithdrawn')
    : t('residentContent.period.months', { count: months });
}

export function askMessage(
  organisation: Organisation,
  post: { language: string | null; authorHandle: string | null },
  values: { link: string; code: string; licence: Licence; months: number },
): { text: string; language: Language } {
  const language = languageFor(organisation, post.language);
  const t = translator(language);
  const text = t('residentContent.message.ask', {
    city: localized(organisation.name, language, organisation.defaultLanguage),
    link: values.link,
    code: values.code,
    licence: licenceLabel(t, values.licence),
    period: periodLabel(t, values.months),
  });
  return { text: post.authorHandle ? `${post.authorHandle} ${text}` : text, language };
}

export function thanksMessage(
  organisation: Organisation,
  post: { language: string | null; authorHandle: string | null },
  withdrawLink: string,
): { text: string; language: Language } {
  const language = languageFor(organisation, post.language);
  const t = translator(language);
  const text = t('residentContent.message.thanks', { link: withdrawLink });
  return { text: post.authorHandle ? `${post.authorHandle} ${text}` : text, language };
}
