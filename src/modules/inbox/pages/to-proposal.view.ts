import type { FastifyReply, FastifyRequest } from 'fastify';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary } from '../../../platform/web/layout.ts';
import { CATEGORIES, type Process } from '../../participation/index.ts';
import type { District } from '../../places/index.ts';
import { PROPOSAL_BODY_MAX } from '../conversations.use-cases.ts';
import { inputField, renderInboxPage, selectInput, textareaInput, type FieldError } from './shared.ts';

/** The proposal form as typed (or prefilled from the message). */
export interface ProposalForm {
  message: string;
  process: string;
  title: string;
  body: string;
  category: string;
  districtId: string;
  lat: string;
  lng: string;
  showName: boolean;
}

/** The form that turns a conversation's message into a proposal of one of the open `processes`. */
export function proposalFormView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: { conversationId: number; processes: Process[]; districts: District[] },
  form: ProposalForm,
  errors: Record<string, FieldError> = {},
  status = 200,
): FastifyReply {
  const { t, organisation } = request;
  const { conversationId, processes, districts } = data;
  const text = (value: Record<string, string>) => localized(value, request.lang, organisation.defaultLanguage);
  const title = t('inbox.proposal.title');
  return renderInboxPage(request, reply, {
    title,
    status,
    main: html`<p><a href="/staff/inbox/${conversationId}">← ${t('inbox.thread.title')}</a></p>
<h1>${title}</h1>
<p>${t('inbox.proposal.lead')}</p>
${errorSummary(request, Object.fromEntries(Object.entries(errors).map(([field, error]) => [field, error.message])))}
${processes.length === 0 ? html`<p class="notice">${t('inbox.proposal.noProcess')}</p>` : ''}
<form method="post" action="/staff/inbox/${conversationId}/proposal">
  ${csrfField(request)}
  <input type="hidden" name="message" value="${form.message}">
  ${selectInput({ name: 'process', label: t('inbox.proposal.process'), hint: t('inbox.proposal.processHint'), value: form.process, required: true, error: errors.process, choices: [{ value: '', label: t('inbox.proposal.chooseProcess') }, ...processes.map((p) => ({ value: String(p.id), label: text(p.title) }))] })}
  ${inputField({ name: 'title', label: t('participation.proposal.titleField'), value: form.title, maxlength: 200, required: true, error: errors.title })}
  ${textareaInput({ name: 'body', label: t('inbox.proposal.body'), hint: t('inbox.proposal.bodyHint'), value: form.body, maxlength: PROPOSAL_BODY_MAX, rows: 10, required: true, error: errors.body })}
  ${selectInput({ name: 'category', label: t('participation.filter.category'), value: form.category, required: true, error: errors.category, choices: [{ value: '', label: t('participation.proposal.chooseCategory') }, ...CATEGORIES.map((c) => ({ value: c, label: t(`participation.category.${c}` as MessageKey) }))] })}
  ${selectInput({ name: 'districtId', label: t('participation.filter.district'), value: form.districtId, error: errors.districtId, choices: [{ value: '', label: t('participation.proposal.noDistrict') }, ...districts.filter((d) => d.kind === 'district').map((d) => ({ value: String(d.id), label: text(d.name) }))] })}
  <fieldset><legend>${t('participation.proposal.place')}</legend>
  ${inputField({ name: 'lat', label: t('participation.proposal.lat'), value: form.lat, error: errors.lat })}
  ${inputField({ name: 'lng', label: t('participation.proposal.lng'), value: form.lng })}
  </fieldset>
  <div class="checkbox"><input type="checkbox" id="showName" name="showName" value="1"${form.showName ? raw(' checked') : ''} aria-describedby="showName-hint"><label for="showName">${t('inbox.proposal.showName')}</label></div>
  <p class="field__hint" id="showName-hint">${t('inbox.proposal.showNameHint')}</p>
  <p class="muted">${t('inbox.proposal.tellHint')}</p>
  <button type="submit" class="button">${t('inbox.proposal.submit')}</button>
</form>`,
  });
}
