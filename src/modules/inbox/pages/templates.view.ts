import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage, LANGUAGES } from '../../../platform/i18n/languages.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary } from '../../../platform/web/layout.ts';
import type { AnswerTemplate } from '../templates.repository.ts';
import { inputField, renderInboxPage, textareaInput, type FieldError } from './shared.ts';

const TEXT_MAX = 10_000;

function languageName(code: string): string {
  return isLanguage(code) ? LANGUAGES[code].name : code;
}

/** The fields of one template (name and a text per city language); `prefix` keeps ids unique on the page. */
function templateFields(
  request: FastifyRequest,
  prefix: string,
  values: { name: string; texts: Record<string, string> },
  error?: FieldError,
): Html {
  return html`${inputField({ name: 'name', id: `${prefix}-name`, label: request.t('inbox.templates.name'), value: values.name, maxlength: 120, required: true, error })}
  ${request.organisation.languages.map((language) => textareaInput({ name: `text_${language}`, id: `${prefix}-text-${language}`, label: request.t('inbox.templates.text', { language: languageName(language) }), value: values.texts[language] ?? '', maxlength: TEXT_MAX, rows: 4, lang: language }))}`;
}

function templateItem(request: FastifyRequest, template: AnswerTemplate, configure: boolean, error?: FieldError): Html {
  const { t } = request;
  const prefix = `template-${template.id}`;
  return html`<li class="staff-panel" id="${prefix}">
  <h3>${template.name}${template.archived ? html` <span class="tag">${t('inbox.templates.archivedTag')}</span>` : ''}</h3>
  ${
    configure
      ? html`<form method="post" action="/staff/inbox/templates/${template.id}">${csrfField(request)}${templateFields(request, prefix, template, error)}<button type="submit" class="button button--secondary">${t('inbox.templates.save')}</button></form>
  <form method="post" action="/staff/inbox/templates/${template.id}/archive">${csrfField(request)}<input type="hidden" name="archived" value="${template.archived ? '0' : '1'}"><button type="submit" class="button button--small button--secondary">${template.archived ? t('inbox.templates.restore') : t('inbox.templates.archive')}</button></form>`
      : html`<dl>${Object.entries(template.texts).map(([language, text]) => html`<dt>${languageName(language)}</dt><dd lang="${language}" class="inbox-body">${text}</dd>`)}</dl>`
  }
</li>`;
}

/** What the page shows again after a refused form: the problems by field id and the new template as typed. */
export interface TemplatesState {
  errors: Record<string, FieldError>;
  draft: { name: string; texts: Record<string, string> };
}

/** The answer templates: read only for staff; with the forms to edit, archive and add them for `configure`. */
export function templatesView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { templates: AnswerTemplate[]; configure: boolean },
  state: TemplatesState = { errors: {}, draft: { name: '', texts: {} } },
): FastifyReply {
  const { t } = request;
  const { templates, configure } = data;
  const title = t('inbox.templates.title');
  const messages = Object.fromEntries(Object.entries(state.errors).map(([field, error]) => [field, error.message]));
  return renderInboxPage(request, reply, {
    title,
    status: Object.keys(state.errors).length ? 400 : 200,
    main: html`<h1>${title}</h1>
<p>${t('inbox.templates.lead')}</p>
${errorSummary(request, messages)}
${templates.length ? html`<ul class="inbox-templates">${templates.map((template) => templateItem(request, template, configure, state.errors[`template-${template.id}-name`]))}</ul>` : html`<p>${t('inbox.templates.none')}</p>`}
${
  configure
    ? html`<section class="staff-panel" aria-labelledby="new-template"><h2 id="new-template">${t('inbox.templates.new')}</h2>
<form method="post" action="/staff/inbox/templates">${csrfField(request)}${templateFields(request, 'new', state.draft, state.errors['new-name'])}<button type="submit" class="button">${t('inbox.templates.create')}</button></form></section>`
    : ''
}`,
  });
}
