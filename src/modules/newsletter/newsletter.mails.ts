import type { Language } from '../../platform/i18n/languages.ts';
import { dateFormat } from '../../platform/i18n/format.ts';
import { localized, translator } from '../../platform/i18n/translate.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { html, type Html } from '../../platform/web/html.ts';
import type { SubscriberLinks } from './links.ts';

/** What `ctx.mail.send` needs besides the city and the address. */
export interface ComposedMail {
  subject: string;
  text: string;
  html?: string;
  unsubscribeUrl?: string;
}

/** A post as the newsletter shows it. */
export interface MailItem {
  title: string | null;
  body: string;
  url: string;
  image: { url: string; alt: string } | null;
}

function cityOf(organisation: Organisation, language: Language): string {
  return localized(organisation.name, language, organisation.defaultLanguage);
}

/**
 * The double opt-in mail. Only the city's words and the link are in it, never what the sender typed,
 * so the form cannot be used to send someone else a message.
 */
export function confirmationMail(organisation: Organisation, language: Language, link: string): ComposedMail {
  const t = translator(language);
  const city = cityOf(organisation, language);
  return {
    subject: t('newsletter.mail.confirm.subject', { city }),
    text: `${t('newsletter.mail.confirm.body', { city })}\n\n${link}\n\n${t('newsletter.mail.confirm.ignore')}\n\n${t('mail.signature', { city })}`,
  };
}

/** To an address that subscribes again while already subscribed: where to change or stop it. */
export function alreadySubscribedMail(organisation: Organisation, language: Language, link: string): ComposedMail {
  const t = translator(language);
  const city = cityOf(organisation, language);
  return {
    subject: t('newsletter.mail.already.subject', { city }),
    text: `${t('newsletter.mail.already.body', { city })}\n\n${link}\n\n${t('mail.signature', { city })}`,
  };
}

function paragraphs(text: string): Html[] {
  return text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const lines = part.split('\n');
      return html`<p>${lines.map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))}</p>`;
    });
}

/**
 * A newsletter in one language: the digest of the posts since the last one, or one crisis post sent at
 * once. HTML and text say the same; the HTML has the language, real headings, the pictures' alternative
 * texts, absolute links, and no tracking pixel or rewritten link. Every mail ends with the links to
 * change the choices and to unsubscribe, and carries the one-click unsubscribe header (RFC 8058).
 */
export function newsletterMail(
  organisation: Organisation,
  language: Language,
  kind: 'digest' | 'crisis',
  items: readonly MailItem[],
  links: SubscriberLinks,
  at: Date,
): ComposedMail {
  const t = translator(language);
  const city = cityOf(organisation, language);
  const date = dateFormat(language, { dateStyle: 'long', timeZone: organisation.timeZone }).format(at);
  const first = items[0];
  const subject =
    kind === 'crisis'
      ? t('newsletter.mail.crisis.subject', { city, title: first?.title ?? first?.body.slice(0, 80) ?? '' })
      : t('newsletter.mail.digest.subject', { city, date });
  const heading =
    kind === 'crisis' ? t('newsletter.mail.crisis.heading', { city }) : t('newsletter.mail.digest.heading', { city });
  const readMore = t('newsletter.mail.readMore');
  const footer = t('newsletter.mail.footer', { city });
  const preferences = t('newsletter.mail.preferences');
  const unsubscribe = t('newsletter.mail.unsubscribe');

  const textItems = items.map((item) =>
    [
      item.title ? `${item.title}\n${'='.repeat(Math.min(item.title.length, 60))}` : '',
      item.body,
      `${readMore}: ${item.url}`,
    ]
      .filter(Boolean)
      .join('\n\n'),
  );
  const text = [
    heading,
    date,
    ...textItems,
    `-- \n${footer}\n${preferences}: ${links.preferences}\n${unsubscribe}: ${links.unsubscribe}`,
    t('mail.signature', { city }),
  ].join('\n\n');

  const articles = items.map(
    (item) => html`<article style="margin:0 0 32px 0">
${item.title ? html`<h2 style="font-size:20px;margin:0 0 8px 0">${item.title}</h2>` : ''}
${item.image ? html`<p><img src="${item.image.url}" alt="${item.image.alt}" style="max-width:100%;height:auto"></p>` : ''}
${paragraphs(item.body)}
<p><a href="${item.url}" style="color:#0b4f8a">${item.title ? `${readMore}: ${item.title}` : readMore}</a></p>
</article>`,
  );
  const body = html`<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;background:#ffffff;color:#1a1a1a;font-family:Arial, Helvetica, sans-serif;font-size:16px;line-height:1.5">
<main style="max-width:640px;margin:0 auto;padding:16px">
<h1 style="font-size:26px;margin:0 0 4px 0">${heading}</h1>
<p style="margin:0 0 24px 0;color:#4a4a4a">${date}</p>
${articles}
</main>
<footer style="max-width:640px;margin:0 auto;padding:16px;border-top:1px solid #767676;color:#4a4a4a;font-size:14px">
<p>${footer}</p>
<p><a href="${links.preferences}" style="color:#0b4f8a">${preferences}</a> · <a href="${links.unsubscribe}" style="color:#0b4f8a">${unsubscribe}</a></p>
</footer>
</body>
</html>`;
  return { subject, text, html: body.toString(), unsubscribeUrl: links.oneClick };
}
