import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { wantsJson } from '../../platform/http/errors.ts';
import type { MessageKey } from '../../platform/i18n/translate.ts';
import { safeNext } from '../../platform/validation.ts';
import { invalidForm, readForm, translatedValue } from '../../platform/web/forms.ts';
import { html, raw } from '../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage, setNotice } from '../../platform/web/layout.ts';
import { AcceptForm, LegalTextForm } from './legal.forms.ts';
import { authorizeLegal } from './legal.policy.ts';
import { LEGAL_KINDS, type LegalKind } from './legal.schema.ts';
import { acceptTexts, checkText, currentText, publishText, textHistory, textsToAccept } from './legal.use-cases.ts';
import {
  LEGAL_PATHS,
  languageName,
  readableText,
  renderLegalText,
  standardText,
  textBlock,
  titleKey,
  versionLine,
} from './legal.view.ts';

/**
 * Where a person who has not accepted the texts in force may still go: the texts themselves and the page
 * to accept them, signing in and out, the language, their own account (to change or delete it, or to
 * download their data), and the platform's own routes and assets.
 */
function openPath(path: string): boolean {
  return (
    path === '/legal/accept' ||
    path === '/privacy' ||
    path === '/code-of-conduct' ||
    path === '/sign-in' ||
    path === '/sign-out' ||
    path === '/language' ||
    path === '/account' ||
    path.startsWith('/account/') ||
    path === '/api/v1/me' ||
    path.startsWith('/api/v1/me/') ||
    path === '/health' ||
    path === '/ready' ||
    path === '/theme.css' ||
    path.includes('/assets/')
  );
}

/** The same-site page a form was sent from, to come back to after accepting. */
function refererPath(request: FastifyRequest): string {
  const referer = request.headers.referer;
  if (!referer) return '/';
  try {
    const url = new URL(referer);
    return url.host === request.host ? safeNext(`${url.pathname}${url.search}`) : '/';
  } catch {
    return '/';
  }
}

function kindOf(value: string): LegalKind {
  if ((LEGAL_KINDS as readonly string[]).includes(value)) return value as LegalKind;
  throw new AppError('LEGAL_TEXT_NOT_FOUND');
}

const FIELD_TEXT: Record<'required' | 'tooLong', MessageKey> = {
  required: 'legal.error.required',
  tooLong: 'legal.error.tooLong',
};

/** The public texts, the page that asks for a new version to be accepted, and the administrators' pages. */
export function registerLegalPages(app: App, ctx: AppContext): void {
  // A resident who has not accepted the versions in force sees the texts at their next page view, and
  // may not write (support, comment, propose, vote…) before accepting them.
  app.addHook('preHandler', async (request, reply) => {
    const viewer = request.viewer;
    if (!viewer || request.apiClient || request.is404) return;
    const path = request.url.split('?')[0] ?? '/';
    if (openPath(path)) return;
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
    const pageView = !write && !path.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
    if (!write && !pageView) return;
    if ((await textsToAccept(ctx, viewer)).length === 0) return;
    if (write && wantsJson(request)) throw new AppError('LEGAL_ACCEPTANCE_REQUIRED');
    const next = write ? refererPath(request) : safeNext(request.url);
    return reply.redirect(`/legal/accept?next=${encodeURIComponent(next)}`, 303);
  });

  for (const kind of LEGAL_KINDS) {
    app.get(LEGAL_PATHS[kind], { schema: { hide: true } }, async (request, reply) => {
      const text = await currentText(ctx, request.organisation.id, kind);
      const title = request.t(titleKey(kind));
      return renderPage(request, reply, {
        title,
        description: readableText(request, text).text.replace(/^#.*$/m, '').trim().slice(0, 200),
        main: html`<h1>${title}</h1>${textBlock(request, text)}`,
      });
    });
  }

  app.get('/legal/accept', { schema: { hide: true } }, async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    if (!request.viewer) return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    const pending = await textsToAccept(ctx, request.viewer);
    if (pending.length === 0) return reply.redirect(next, 303);
    const { t } = request;
    const texts = await Promise.all(pending.map((kind) => currentText(ctx, request.organisation.id, kind)));
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('legal.accept.title'),
      noIndex: true,
      main: html`<h1>${t('legal.accept.title')}</h1>
<p>${t('legal.accept.intro')}</p>
${texts.map(
  (
    text,
  ) => html`<section aria-labelledby="text-${text.kind}" class="legal-accept__text"><h2 id="text-${text.kind}">${t(titleKey(text.kind))}</h2>
${textBlock(request, text, 3)}</section>`,
)}
<form method="post" action="/legal/accept" class="stack">
  ${csrfField(request)}
  <input type="hidden" name="next" value="${next}">
  ${texts.map((text) => html`<input type="hidden" name="${text.kind}" value="${text.version}">`)}
  <button type="submit" class="button">${t('legal.accept.submit')}</button>
</form>
<p>${t('legal.accept.refuse')} <a href="/account">${t('legal.accept.account')}</a></p>`,
    });
  });

  app.post('/legal/accept', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(AcceptForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const { privacy, conduct } = form.value;
    await acceptTexts(ctx, request.viewer, request.organisation, {
      ...(privacy === undefined ? {} : { privacy }),
      ...(conduct === undefined ? {} : { conduct }),
    });
    setNotice(reply, 'legal.accept.done');
    return reply.redirect(safeNext(form.value.next), 303);
  });

  app.get('/admin/legal', { schema: { hide: true } }, async (request, reply) => {
    authorizeLegal(request.viewer, 'publish');
    const { t } = request;
    const sections = await Promise.all(
      LEGAL_KINDS.map(async (kind) => {
        const history = await textHistory(ctx, request.viewer, request.organisation, kind);
        const text = await currentText(ctx, request.organisation.id, kind);
        return html`<section aria-labelledby="legal-${kind}"><h2 id="legal-${kind}">${t(titleKey(kind))}</h2>
<p>${versionLine(request, text)}</p>
<p><a class="button" href="/admin/legal/${kind}">${t('legal.admin.edit')}<span class="visually-hidden">: ${t(titleKey(kind))}</span></a> <a href="${LEGAL_PATHS[kind]}">${t('legal.admin.view')}<span class="visually-hidden">: ${t(titleKey(kind))}</span></a></p>
<h3>${t('legal.admin.history')}</h3>
${
  history.length === 0
    ? html`<p>${t('legal.admin.noVersions')}</p>`
    : html`<ul>${history.map((version) => html`<li>${t('legal.admin.versionRow', { version: String(version.version), date: formatDate(request, version.publishedAt, true) })}${version.publishedBy ? html` · ${version.publishedBy}` : ''}</li>`)}</ul>`
}</section>`;
      }),
    );
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title: t('legal.admin.title'),
      noIndex: true,
      main: html`<p><a href="/admin">${t('site.admin')}</a></p><h1>${t('legal.admin.title')}</h1>
<p>${t('legal.admin.lead')}</p>${sections}`,
    });
  });

  app.get<{ Params: { kind: string } }>('/admin/legal/:kind', { schema: { hide: true } }, async (request, reply) => {
    authorizeLegal(request.viewer, 'publish');
    const kind = kindOf(request.params.kind);
    const text = await currentText(ctx, request.organisation.id, kind);
    const value: Translated = Object.fromEntries(
      request.organisation.languages.map((language) => [
        language,
        text.body === null ? standardText(request, kind, language) : (text.body[language] ?? ''),
      ]),
    );
    return editPage(request, reply, kind, value);
  });

  app.post<{ Params: { kind: string } }>('/admin/legal/:kind', { schema: { hide: true } }, async (request, reply) => {
    authorizeLegal(request.viewer, 'publish');
    const kind = kindOf(request.params.kind);
    const languages = request.organisation.languages;
    const form = readForm(LegalTextForm(languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const value = translatedValue(form.value, 'text', languages);
    if (form.value.intent === 'preview') {
      const { text, fields } = checkText(request.organisation, value, 'text');
      return editPage(request, reply, kind, value, fields, text);
    }
    const outcome = await publishText(ctx, request.viewer, request.organisation, kind, value);
    if (!outcome.ok) return editPage(request, reply, kind, value, outcome.fields, undefined, 400);
    setNotice(reply, 'legal.admin.published');
    return reply.redirect('/admin/legal', 303);
  });

  function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: LegalKind,
    value: Translated,
    problems: Record<string, 'required' | 'tooLong'> = {},
    preview?: Translated,
    status = 200,
  ) {
    const { t } = request;
    const errors = Object.fromEntries(Object.entries(problems).map(([field, code]) => [field, t(FIELD_TEXT[code])]));
    const title = t(titleKey(kind));
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title,
      noIndex: true,
      status,
      main: html`<p><a href="/admin/legal">${t('legal.admin.title')}</a></p><h1>${title}</h1>
${errorSummary(request, errors)}
<form method="post" action="/admin/legal/${kind}" class="legal-form">
  ${csrfField(request)}
  <p class="field__hint" id="text-hint">${t('legal.admin.hint')}</p>
  ${request.organisation.languages.map((language) => {
    const name = `text_${language}`;
    const error = errors[name];
    return html`<div class="field${error ? ' field--error' : ''}"><label for="${name}">${t('legal.admin.field')} (${languageName(language)})</label>
${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
<textarea id="${name}" name="${name}" lang="${language}" rows="20" aria-describedby="text-hint${error ? ` ${name}-error` : ''}"${error ? raw(' aria-invalid="true"') : ''}>${value[language] ?? ''}</textarea></div>`;
  })}
  <p><button type="submit" name="intent" value="preview" class="button button--secondary">${t('legal.admin.preview')}</button>
  <button type="submit" name="intent" value="publish" class="button">${t('legal.admin.publish')}</button></p>
</form>
${
  preview
    ? Object.entries(preview).map(
        ([
          language,
          text,
        ]) => html`<section class="legal-preview" aria-labelledby="preview-${language}"><h2 id="preview-${language}">${t('legal.admin.previewTitle', { language: languageName(language) })}</h2>
${renderLegalText(text, 3, language === request.lang ? undefined : language)}</section>`,
      )
    : ''
}`,
    });
  }
}
