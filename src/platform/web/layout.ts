import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../auth/users.ts';
import { dateFormat } from '../i18n/format.ts';
import { LANGUAGE_CODES, LANGUAGES } from '../i18n/languages.ts';
import { hasMessage, localized, type MessageKey } from '../i18n/translate.ts';
import type { NavigationLink } from '../module.ts';
import { absoluteUrl } from '../organisations/urls.ts';
import { assetUrl } from './assets.ts';
import { html, raw, type Html } from './html.ts';

export interface PageOptions {
  title: string;
  description?: string;
  main: Html;
  status?: number;
  /** Path without query used for canonical and language alternates; defaults to the request's path. */
  path?: string;
  /** Pages that are private to one person (account, administration) are not indexed. */
  noIndex?: boolean;
  ogType?: 'website' | 'article';
  /** Extra scripts (same-origin paths) for progressive enhancement. */
  scripts?: string[];
  /** Feeds of what the page shows, advertised as `<link rel="alternate">` (RSS, Atom, JSON Feed readers find them). */
  feeds?: Array<{ type: string; href: string; title: string }>;
}

export interface SiteNavigation {
  main: NavigationLink[];
  admin: NavigationLink[];
  footer?: NavigationLink[];
}

declare module 'fastify' {
  interface FastifyInstance {
    siteNavigation: SiteNavigation;
  }
}

export const NOTICE_COOKIE = 'ic_notice';

/** Shows a one-time message on the next page (after a redirect). */
export function setNotice(reply: FastifyReply, key: MessageKey): void {
  reply.setCookie(NOTICE_COOKIE, key, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 60 });
}

function takeNotice(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const key = request.cookies[NOTICE_COOKIE];
  if (!key) return undefined;
  reply.clearCookie(NOTICE_COOKIE, { path: '/' });
  return hasMessage(key) ? request.t(key) : undefined;
}

/** The city's name in the reader's language. */
export function cityName(request: FastifyRequest): string {
  return localized(request.organisation.name, request.lang, request.organisation.defaultLanguage);
}

/** A hidden field carrying the CSRF token; every form that changes something includes it. */
export function csrfField(request: FastifyRequest): Html {
  return html`<input type="hidden" name="_csrf" value="${request.csrfToken}">`;
}

/** Renders a whole page in the common layout and sends it. */
export function renderPage(request: FastifyRequest, reply: FastifyReply, options: PageOptions): FastifyReply {
  const { t, lang, organisation, viewer } = request;
  const city = cityName(request);
  const path = options.path ?? request.url.split('?')[0] ?? '/';
  const canonical = absoluteUrl(request.server, request.organisation, path);
  const description = options.description ?? t('home.lead');
  const notice = takeNotice(request, reply);
  // a page any anonymous visitor may be shown the same (the page cache stores it; noIndex pages are personal)
  request.publicPage = !options.noIndex && notice === undefined;
  const navigation = request.server.siteNavigation;
  const visible = (link: NavigationLink) => !link.roles || link.roles.some((role) => hasRole(viewer, role as never));
  const isCurrent = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  const navLink = (link: NavigationLink) =>
    html`<li><a href="${link.href}"${isCurrent(link.href) ? raw(' aria-current="page"') : ''}>${t(link.label)}</a></li>`;

  const page = html`<!doctype html>
<html lang="${lang}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${city}</title>
<meta name="description" content="${description}">
${options.noIndex ? html`<meta name="robots" content="noindex">` : ''}
<link rel="canonical" href="${canonical}">
${LANGUAGE_CODES.map((code) => html`<link rel="alternate" hreflang="${code}" href="${canonical}?lang=${code}">`)}
<link rel="alternate" hreflang="x-default" href="${canonical}">
${(options.feeds ?? []).map((feed) => html`<link rel="alternate" type="${feed.type}" href="${feed.href}" title="${feed.title}">`)}
<meta property="og:type" content="${options.ogType ?? 'website'}">
<meta property="og:site_name" content="${city}">
<meta property="og:title" content="${options.title}">
<meta property="og:description" content="${description}">
<meta property="og:url" content="${canonical}">
<meta property="og:locale" content="${LANGUAGES[lang].locale}">
<meta property="og:image" content="${absoluteUrl(request.server, request.organisation, '/assets/og-card.png')}">
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${options.title}">
<meta name="twitter:description" content="${description}">
<meta name="theme-color" content="${organisation.branding.primaryColor ?? '#0b4f8a'}">
<link rel="stylesheet" href="${assetUrl('app.css')}">
<link rel="stylesheet" href="/theme.css">
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body>
<a class="skip-link" href="#main">${t('site.skip')}</a>
<header class="site-header">
  <div class="site-header__bar">
    <a class="site-brand" href="/">${city}</a>
    <details class="language-switch">
      <summary><span class="visually-hidden">${t('site.language.choose')}: </span>${LANGUAGES[lang].name}</summary>
      <form method="post" action="/language" class="language-switch__list">
        ${csrfField(request)}
        <input type="hidden" name="next" value="${path}">
        ${LANGUAGE_CODES.map(
          (code) =>
            html`<button type="submit" name="lang" value="${code}" lang="${code}"${code === lang ? raw(' aria-current="true"') : ''}>${LANGUAGES[code].name}</button>`,
        )}
      </form>
    </details>
  </div>
  <nav class="site-nav" aria-label="${t('site.menu')}">
    <ul>
      ${navigation.main.filter(visible).map(navLink)}
      ${hasRole(viewer, 'staff') || hasRole(viewer, 'moderator') ? navLink({ href: '/admin', label: 'site.admin' }) : ''}
    </ul>
    <ul class="site-nav__account">
      ${
        viewer
          ? html`<li><a href="/account"${isCurrent('/account') ? raw(' aria-current="page"') : ''}>${t('site.account')}<span class="visually-hidden">: ${viewer.displayName}</span></a></li>
          <li><form method="post" action="/sign-out">${csrfField(request)}<button type="submit" class="link-button">${t('site.signOut')}</button></form></li>`
          : html`<li><a href="/sign-in"${isCurrent('/sign-in') ? raw(' aria-current="page"') : ''}>${t('site.signIn')}</a></li>
          <li><a href="/sign-up" class="button button--small"${isCurrent('/sign-up') ? raw(' aria-current="page"') : ''}>${t('site.signUp')}</a></li>`
      }
    </ul>
  </nav>
</header>
${request.siteBanners}
<main id="main" tabindex="-1">
${notice ? html`<div class="notice" role="status">${notice}</div>` : ''}
${options.main}
</main>
<footer class="site-footer">
  <p>${t('site.footer.about')}</p>
  <ul>
    ${(navigation.footer ?? []).map((link) => html`<li><a href="${link.href}"${isCurrent(link.href) ? raw(' aria-current="page"') : ''}>${t(link.label)}</a></li>`)}
    <li><a href="/api/docs">${t('site.footer.openData')}</a></li>
  </ul>
</footer>
</body>
</html>`;
  return reply
    .code(options.status ?? 200)
    .header('content-language', lang)
    .type('text/html; charset=utf-8')
    .send(page.value);
}

/** An error summary at the top of a form, linking to each field in error (GOV.UK pattern). */
export function errorSummary(request: FastifyRequest, errors: Record<string, string>): Html {
  const entries = Object.entries(errors);
  if (entries.length === 0) return html``;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
  <h2 id="error-summary-title">${request.t('form.errors.title')}</h2>
  <ul>${entries.map(([field, message]) => html`<li><a href="#${field}">${message}</a></li>`)}</ul>
</div>`;
}

export interface FieldOptions {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'number' | 'url' | 'date';
  value?: string;
  error?: string;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  maxlength?: number;
}

/** A labelled input with its hint and error wired to it for screen readers. */
export function field(options: FieldOptions): Html {
  const describedBy = [options.hint ? `${options.name}-hint` : '', options.error ? `${options.name}-error` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field${options.error ? ' field--error' : ''}">
  <label for="${options.name}">${options.label}</label>
  ${options.hint ? html`<p class="field__hint" id="${options.name}-hint">${options.hint}</p>` : ''}
  ${options.error ? html`<p class="field__error" id="${options.name}-error">${options.error}</p>` : ''}
  <input id="${options.name}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.value ?? ''}"${
    options.required ? raw(' required') : ''
  }${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}${options.maxlength ? html` maxlength="${options.maxlength}"` : ''}${
    describedBy ? html` aria-describedby="${describedBy}"` : ''
  }${options.error ? raw(' aria-invalid="true"') : ''}>
</div>`;
}

/** Formats a date for the reader's language and the city's time zone. */
export function formatDate(request: FastifyRequest, date: Date, withTime = false): string {
  return dateFormat(LANGUAGES[request.lang].locale.replace('_', '-'), {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: request.organisation.timeZone,
  }).format(date);
}
