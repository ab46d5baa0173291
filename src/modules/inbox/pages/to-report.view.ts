import type { FastifyReply, FastifyRequest } from 'fastify';
import { localized } from '../../../platform/i18n/translate.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary } from '../../../platform/web/layout.ts';
import { questionFields, questionFieldsScript, type ReportFormChoices } from '../../reports/index.ts';
import { inputField, renderInboxPage, selectInput, textareaInput, type FieldError } from './shared.ts';

export const DESCRIPTION_MAX = 4000;

/** The report form as typed (or prefilled from the message). */
export interface ReportForm {
  message: string;
  category: string;
  /** The chosen category's answers by question code. */
  answers: Record<string, string[]>;
  lat: string;
  lng: string;
  address: string;
  description: string;
}

/** The form that turns a conversation's message into a report, with the problems of a refused one. */
export function reportFormView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { conversationId: number; choices: ReportFormChoices },
  form: ReportForm,
  errors: Record<string, FieldError> = {},
): FastifyReply {
  const { t, organisation } = request;
  const { conversationId } = data;
  const { categories, questions } = data.choices;
  const text = (value: Record<string, string>) => localized(value, request.lang, organisation.defaultLanguage);
  const title = t('inbox.report.title');
  return renderInboxPage(request, reply, {
    title,
    status: Object.keys(errors).length ? 400 : 200,
    main: html`<p><a href="/staff/inbox/${conversationId}">← ${t('inbox.thread.title')}</a></p>
<h1>${title}</h1>
<p>${t('inbox.report.lead')}</p>
${errorSummary(request, Object.fromEntries(Object.entries(errors).map(([field, error]) => [field, error.message])))}
<form method="post" action="/staff/inbox/${conversationId}/report">
  ${csrfField(request)}
  <input type="hidden" name="message" value="${form.message}">
  ${selectInput({ name: 'category', label: t('reports.new.category'), value: form.category, required: true, error: errors.category, choices: [{ value: '', label: t('reports.new.chooseOne') }, ...categories.map((c) => ({ value: c.code, label: text(c.name), group: text(c.group) }))] })}
  <p data-questions-step><button type="submit" name="step" value="questions" class="button button--secondary" formnovalidate>${t('inbox.report.showQuestions')}</button></p>
  ${questionFields(request, categories, questions, form.category, form.answers, Object.fromEntries(Object.entries(errors).map(([field, error]) => [field, { code: error.code, message: error.message }])))}
  ${inputField({ name: 'lat', label: t('reports.new.lat'), value: form.lat, required: true, error: errors.lat })}
  ${inputField({ name: 'lng', label: t('reports.new.lng'), value: form.lng, required: true })}
  ${inputField({ name: 'address', label: t('reports.new.address'), value: form.address, maxlength: 300 })}
  ${textareaInput({ name: 'description', label: t('reports.new.description'), value: form.description, maxlength: DESCRIPTION_MAX, rows: 8, required: true, error: errors.description })}
  <p class="muted">${t('inbox.report.tellHint')}</p>
  <button type="submit" class="button">${t('inbox.report.submit')}</button>
</form>`,
    scripts: [questionFieldsScript()],
  });
}
