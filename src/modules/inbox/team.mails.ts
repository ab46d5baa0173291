import { isLanguage, type Language } from '../../platform/i18n/languages.ts';
import { translator } from '../../platform/i18n/translate.ts';
import type { NotificationKind } from './inbox.schema.ts';

/** The words of the mail that tells a member of staff about a notification, in their language. */
export function notificationMail(
  language: string | null,
  fallback: string,
  kind: NotificationKind,
  values: { actor: string; subject: string; link: string; preferences: string },
): { subject: string; text: string } {
  const lang: Language = isLanguage(language) ? language : isLanguage(fallback) ? fallback : 'en';
  const t = translator(lang);
  const subject = t(`inbox.notify.mail.${kind}`, { actor: values.actor, subject: values.subject });
  const text = `${subject}\n\n${values.link}\n\n${t('inbox.notify.mail.preferences', { link: values.preferences })}\n`;
  return { subject, text };
}
