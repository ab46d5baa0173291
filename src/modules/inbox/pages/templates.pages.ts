import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { isLanguage, LANGUAGES } from '../../../platform/i18n/languages.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, setNotice } from '../../../platform/web/layout.ts';
import { changeTemplate, createTemplate } from '../conversations.use-cases.ts';
import { mayDoInInbox } from '../inbox.policy.ts';
import { findTemplates, type AnswerTemplate } from '../templates.repository.ts';
import {
  codedError,
  inboxViewer,
  inputField,
  paramId,
  renderInboxPage,
  textareaInput,
  type FieldError,
} from './shared.ts';
import { invalidForm, readForm, translatedValue } from '../../../platform/web/forms.ts';
import { ArchiveTemplateForm, TemplateForm } from '../inbox.forms.ts';

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

async function renderTemplates(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  state: { errors: Record<string, FieldError>; draft: { name: string; texts: Record<string, string> } } = {
    errors: {},
    draft: { name: '', texts: {} },
  },
): Promise<FastifyReply> {
  const viewer = inboxViewer(request, 'answer');
  const { t } = request;
  const configure = mayDoInInbox(viewer, 'configure');
  const templates = await findTemplates(ctx.db, request.organisation.id, configure);
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

function refusal(request: FastifyRequest, error: unknown, field: string): Record<string, FieldError> {
  if (!(error instanceof AppError) || error.status !== 400) throw error;
  return { [field]: codedError(field, error.code, request.t(`inbox.error.${error.code}` as MessageKey)) };
}

/** Answer templates: staff read them (and pick them when answering); administrators write and archive them. */
export function registerTemplatePages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/templates', { schema: { hide: true } }, async (request, reply) =>
    renderTemplates(ctx, request, reply),
  );

  app.post('/staff/inbox/templates', { schema: { hide: true } }, async (request, reply) => {
    const { languages } = request.organisation;
    const form = readForm(TemplateForm(languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const draft = { name: form.value.name, texts: translatedValue(form.value, 'text', languages) };
    try {
      await createTemplate(ctx, request.viewer, request.organisation, draft.name, draft.texts);
    } catch (error) {
      return renderTemplates(ctx, request, reply, { errors: refusal(request, error, 'new-name'), draft });
    }
    setNotice(reply, 'inbox.templates.saved');
    return reply.redirect('/staff/inbox/templates', 303);
  });

  app.post('/staff/inbox/templates/:templateId', { schema: { hide: true } }, async (request, reply) => {
    const templateId = paramId(request, 'templateId');
    const { languages } = request.organisation;
    const form = readForm(TemplateForm(languages), request.body);
    if (!form.ok) throw invalidForm(form.errors);
    try {
      await changeTemplate(ctx, request.viewer, request.organisation, templateId, {
        name: form.value.name,
        texts: translatedValue(form.value, 'text', languages),
      });
    } catch (error) {
      return renderTemplates(ctx, request, reply, {
        errors: refusal(request, error, `template-${templateId}-name`),
        draft: { name: '', texts: {} },
      });
    }
    setNotice(reply, 'inbox.templates.saved');
    return reply.redirect(`/staff/inbox/templates#template-${templateId}`, 303);
  });

  app.post('/staff/inbox/templates/:templateId/archive', { schema: { hide: true } }, async (request, reply) => {
    const templateId = paramId(request, 'templateId');
    const form = readForm(ArchiveTemplateForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const archived = form.value.archived === '1';
    await changeTemplate(ctx, request.viewer, request.organisation, templateId, { archived });
    setNotice(reply, archived ? 'inbox.templates.archived' : 'inbox.templates.restored');
    return reply.redirect('/staff/inbox/templates', 303);
  });
}
