import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Translated } from '../../../platform/db/schema.ts';
import { LANGUAGES, isLanguage } from '../../../platform/i18n/languages.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { renderPage } from '../../../platform/web/layout.ts';
import { mayAdminister, type AdministrationAction } from '../administration.policy.ts';
import type { FieldErrors } from '../administration.use-cases.ts';

/** The administration's own sections, in menu order, with the right each one needs. */
export const SECTIONS: ReadonlyArray<{ href: string; label: MessageKey; action: AdministrationAction }> = [
  { href: '/admin/first-steps', label: 'admin.firstSteps.title', action: 'manage-city' },
  { href: '/admin/organisation', label: 'admin.organisation', action: 'manage-city' },
  { href: '/admin/departments', label: 'admin.departments', action: 'manage-departments' },
  { href: '/admin/users', label: 'admin.users', action: 'manage-people' },
  { href: '/admin/api-keys', label: 'admin.apiKeys', action: 'manage-api-keys' },
  { href: '/admin/audit', label: 'admin.audit', action: 'read-audit-log' },
  { href: '/admin/outbox', label: 'admin.outbox', action: 'read-outbox' },
  { href: '/installation/cities', label: 'admin.installation.title', action: 'run-installation' },
];

/** Renders an administration page: never indexed, never cached, with the section menu above. */
export function renderAdminPage(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { title: string; main: Html; status?: number },
): FastifyReply {
  const { t, viewer } = request;
  const path = request.url.split('?')[0] ?? '';
  const sections = SECTIONS.filter((section) => mayAdminister(viewer, section.action));
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title: options.title,
    noIndex: true,
    status: options.status ?? 200,
    main: html`<div class="admin-layout">
<nav class="admin-nav" aria-label="${t('admin.title')}">
  <ul>
    <li><a href="/admin"${path === '/admin' ? raw(' aria-current="page"') : ''}>${t('admin.title')}</a></li>
    ${sections.map((section) => html`<li><a href="${section.href}"${path === section.href || path.startsWith(`${section.href}/`) ? raw(' aria-current="page"') : ''}>${t(section.label)}</a></li>`)}
  </ul>
</nav>
<div class="admin-content">${options.main}</div>
</div>`,
  });
}

/** Field errors from a use case, in the reader's language: the page picks `error.<code>` for each. */
export function translateErrors(request: FastifyRequest, errors: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([name, code]) => [name, request.t(`error.${code}`)]));
}

/** One text input per city language for a staff-written text (`name_en`, `name_it`, …). */
export function translatedFields(
  request: FastifyRequest,
  options: {
    prefix: string;
    label: MessageKey;
    value: Translated;
    languages: readonly string[];
    errors: Record<string, string>;
    maxlength: number;
    required?: string;
  },
): Html {
  return html`${options.languages.map((language) => {
    const name = `${options.prefix}_${language}`;
    const error = options.errors[name];
    const languageName = isLanguage(language) ? LANGUAGES[language].name : language;
    return html`<div class="field${error ? ' field--error' : ''}">
  <label for="${name}">${request.t(options.label, { language: languageName })}</label>
  ${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
  <input type="text" id="${name}" name="${name}" lang="${language}" value="${options.value[language] ?? ''}" maxlength="${options.maxlength}"${options.required === language ? raw(' required') : ''}${error ? raw(` aria-describedby="${name}-error" aria-invalid="true"`) : ''}>
</div>`;
  })}`;
}

/** "Older" link for lists paginated by id, newest first; keeps the other query parameters. */
export function olderLink(request: FastifyRequest, hasMore: boolean, lastId: number | undefined): Html {
  if (!hasMore || lastId === undefined) return html``;
  const url = new URL(request.url, 'http://local');
  url.searchParams.set('before', String(lastId));
  return html`<nav aria-label="${request.t('admin.pagination')}" class="pagination"><a href="${url.pathname}${url.search}" rel="next">${request.t('admin.next')}</a></nav>`;
}
