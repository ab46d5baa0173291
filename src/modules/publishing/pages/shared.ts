import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/auth/users.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { isLanguage, LANGUAGES } from '../../../platform/i18n/languages.ts';
import { assetFolder } from '../../../platform/web/assets.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { renderPage } from '../../../platform/web/layout.ts';
import { parseId } from '../../../platform/validation.ts';

/** The editor's counting script and the module's stylesheet, under /publishing/assets. */
export const publishingAssets = assetFolder('/publishing/assets', path.join(import.meta.dirname, 'assets'));

const SECTIONS: ReadonlyArray<{ href: string; label: MessageKey; admin?: boolean }> = [
  { href: '/staff/publishing', label: 'publishing.nav' },
  { href: '/staff/publishing/failures', label: 'publishing.failures.nav' },
  { href: '/staff/publishing/campaigns', label: 'publishing.campaigns.nav' },
  { href: '/staff/publishing/crisis', label: 'publishing.crisis.nav' },
  { href: '/admin/publishing/destinations', label: 'publishing.destinations.nav', admin: true },
  { href: '/admin/publishing/steps', label: 'publishing.steps.nav', admin: true },
];

/** A staff page of publishing: the section menu, then the page. */
export function publishingPage(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { title: string; main: Html; status?: number; scripts?: string[] },
): FastifyReply {
  const current = request.url.split('?')[0] ?? '';
  const sections = SECTIONS.filter((section) => !section.admin || hasRole(request.viewer, 'admin'));
  return renderPage(request, reply, {
    title: options.title,
    noIndex: true,
    status: options.status ?? 200,
    ...(options.scripts ? { scripts: options.scripts } : {}),
    main: html`<link rel="stylesheet" href="${publishingAssets.url('publishing.css')}">
<nav class="publishing-nav" aria-label="${request.t('publishing.sections')}"><ul>${sections.map(
      (section) =>
        html`<li><a href="${section.href}"${current === section.href ? raw(' aria-current="page"') : ''}>${request.t(section.label)}</a></li>`,
    )}</ul></nav>
${options.main}`,
  });
}

/** The text of each field problem code the use cases answer. */
const FIELD_PROBLEMS: Record<string, MessageKey> = {
  required: 'publishing.error.required',
  'too-long': 'publishing.error.tooLong',
  'too-many': 'publishing.error.tooMany',
  'out-of-range': 'publishing.error.outOfRange',
  forbidden: 'publishing.error.forbidden',
  invalid: 'publishing.error.invalid',
  unknownKind: 'publishing.error.invalid',
  taken: 'publishing.error.taken',
  'not-published': 'publishing.error.notPublished',
  PHOTO_NOT_IMAGE: 'publishing.error.photoType',
  PHOTO_TOO_LARGE: 'publishing.error.photoSize',
  PHOTO_TOO_MANY_PIXELS: 'publishing.error.photoPixels',
};

export function fieldTexts(request: FastifyRequest, fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, code]) => [name, request.t(FIELD_PROBLEMS[code] ?? 'publishing.error.invalid')]),
  );
}

export function languageName(language: string): string {
  return isLanguage(language) ? LANGUAGES[language].name : language;
}

/** The id in a path parameter, or undefined. */
export function paramOf(request: FastifyRequest, name: string): number | undefined {
  return parseId((request.params as Record<string, unknown>)[name]);
}

/** A text field read from a body outside a schema (dynamic fields): text, else ''. */
export function bodyText(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first : '';
}

/** A select with its label and error wired for screen readers. */
export function selectField(options: {
  name: string;
  /** When several selects share a name (rows of a form). */
  id?: string;
  label: string;
  choices: Array<{ value: string; label: string }>;
  value: string;
  error?: string | undefined;
}): Html {
  const { name, error } = options;
  const id = options.id ?? name;
  return html`<div class="field${error ? ' field--error' : ''}"><label for="${id}">${options.label}</label>
${error ? html`<p class="field__error" id="${id}-error">${error}</p>` : ''}
<select id="${id}" name="${name}"${error ? raw(` aria-describedby="${id}-error" aria-invalid="true"`) : ''}>${options.choices.map(
    (choice) =>
      html`<option value="${choice.value}"${choice.value === options.value ? raw(' selected') : ''}>${choice.label}</option>`,
  )}</select></div>`;
}

/** A multi-line text field with its label, hint and error. */
export function textareaField(options: {
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
  hint?: string | undefined;
  lang?: string;
  rows?: number;
  attributes?: Html;
}): Html {
  const { name, error, hint } = options;
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' field--error' : ''}"><label for="${name}">${options.label}</label>
${hint ? html`<p class="field__hint" id="${name}-hint">${hint}</p>` : ''}
${error ? html`<p class="field__error" id="${name}-error">${error}</p>` : ''}
<textarea id="${name}" name="${name}" rows="${options.rows ?? 5}"${options.lang ? html` lang="${options.lang}"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${error ? raw(' aria-invalid="true"') : ''}${options.attributes ?? ''}>${options.value}</textarea></div>`;
}
