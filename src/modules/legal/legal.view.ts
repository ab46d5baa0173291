import type { FastifyRequest } from 'fastify';
import { isLanguage, LANGUAGES } from '../../platform/i18n/languages.ts';
import { localizedWithLanguage, translator, type MessageKey } from '../../platform/i18n/translate.ts';
import { html, type Html } from '../../platform/web/html.ts';
import { cityName, formatDate } from '../../platform/web/layout.ts';
import { localized } from '../../platform/i18n/translate.ts';
import type { LegalKind } from './legal.schema.ts';
import type { LegalText } from './legal.use-cases.ts';

/** The public address of each text. */
export const LEGAL_PATHS: Record<LegalKind, string> = { privacy: '/privacy', conduct: '/code-of-conduct' };

export function titleKey(kind: LegalKind): MessageKey {
  return kind === 'privacy' ? 'legal.privacy.title' : 'legal.conduct.title';
}

/** The platform's standard text of a kind in a language, with the city's name in that language. */
export function standardText(request: FastifyRequest, kind: LegalKind, language: string): string {
  const lang = isLanguage(language) ? language : 'en';
  const city = localized(request.organisation.name, lang, request.organisation.defaultLanguage);
  return translator(lang)(kind === 'privacy' ? 'legal.default.privacy' : 'legal.default.conduct', { city });
}

/** A text in the reader's language (or the city's main language, marked as such). */
export function readableText(request: FastifyRequest, text: LegalText): { text: string; lang: string } {
  if (text.body === null)
    return {
      text: request.t(text.kind === 'privacy' ? 'legal.default.privacy' : 'legal.default.conduct', {
        city: cityName(request),
      }),
      lang: request.lang,
    };
  return localizedWithLanguage(text.body, request.lang, request.organisation.defaultLanguage);
}

/** "Version 3, published on …" or "the platform's standard text". */
export function versionLine(request: FastifyRequest, text: LegalText): string {
  return text.publishedAt === null
    ? request.t('legal.version.standard')
    : request.t('legal.version', { version: String(text.version), date: formatDate(request, text.publishedAt) });
}

const SAFE_HREF = /^(?:https?:\/\/[^\s<>"]+|mailto:[^\s<>"]+|\/(?![/\\])[^\s<>"\\]*)$/i;

/** A line's words, with `[words](address)` made a link when the address is http(s), mailto or a path here. */
function inline(text: string): Html {
  const parts: Html[] = [];
  let last = 0;
  for (const match of text.matchAll(/\[([^\]]+)\]\(([^)\s]+)\)/g)) {
    const [whole, words = '', href = ''] = match;
    if (!SAFE_HREF.test(href)) continue;
    parts.push(html`${text.slice(last, match.index)}<a href="${href}">${words}</a>`);
    last = match.index + whole.length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`${parts}`;
}

/**
 * A text written as plain text, made safe HTML: `# ` starts a heading (at `level`, `## ` one below), `- `
 * or `* ` an item of a list, an empty line a new paragraph, and lines within a paragraph keep their
 * breaks. Everything is escaped; only links with a safe address become links.
 */
export function renderLegalText(text: string, level: 2 | 3 = 2, lang?: string): Html {
  const blocks: Html[] = [];
  let paragraph: string[] = [];
  let items: string[] = [];
  const flushParagraph = () => {
    if (paragraph.length > 0)
      blocks.push(html`<p>${paragraph.map((line, index) => html`${index > 0 ? html`<br>` : ''}${inline(line)}`)}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (items.length > 0) blocks.push(html`<ul>${items.map((item) => html`<li>${inline(item)}</li>`)}</ul>`);
    items = [];
  };
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.trim();
    const heading = /^(#{1,3})\s+(.+)$/.exec(line);
    const item = /^[-*]\s+(.+)$/.exec(line);
    if (!line || heading) {
      flushParagraph();
      flushList();
    }
    if (heading) {
      const sub = (heading[1]?.length ?? 1) > 1;
      const words = inline(heading[2] ?? '');
      blocks.push(
        level === 2 && !sub
          ? html`<h2>${words}</h2>`
          : level === 3 && sub
            ? html`<h4>${words}</h4>`
            : html`<h3>${words}</h3>`,
      );
    } else if (item) {
      flushParagraph();
      items.push(item[1] ?? '');
    } else if (line) {
      flushList();
      paragraph.push(line);
    }
  }
  flushParagraph();
  flushList();
  return html`<div class="prose legal-text"${lang ? html` lang="${lang}"` : ''}>${blocks}</div>`;
}

/** A text with its version line, in the reader's language where the city wrote one. */
export function textBlock(request: FastifyRequest, text: LegalText, level: 2 | 3 = 2): Html {
  const { text: words, lang } = readableText(request, text);
  return html`<p class="muted">${versionLine(request, text)}</p>
${renderLegalText(words, level, lang === request.lang ? undefined : lang)}`;
}

export function languageName(code: string): string {
  return isLanguage(code) ? LANGUAGES[code].name : code;
}
