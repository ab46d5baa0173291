import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { localized, type MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, setNotice } from '../../../platform/web/layout.ts';
import { CATEGORIES, fieldProblemMessage, findProcesses, phaseAllows } from '../../participation/index.ts';
import { findDistricts } from '../../places/index.ts';
import { PROPOSAL_BODY_MAX, turnIntoProposal } from '../conversations.use-cases.ts';
import type { ThreadMessage } from '../conversations.repository.ts';
import {
  codedError,
  loadIncomingMessage,
  firstLine,
  idFrom,
  inputField,
  renderInboxPage,
  selectInput,
  textareaInput,
  type FieldError,
} from './shared.ts';
import { invalidForm, readForm, validFields } from '../../../platform/web/forms.ts';
import { MessageQuery, ToProposalForm } from '../inbox.forms.ts';

interface ProposalForm {
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

/** The form's starting values: the message's first line as title, its text, district and coordinates. */
function prefill(message: ThreadMessage, processIds: number[]): ProposalForm {
  return {
    message: String(message.id),
    process: processIds.length === 1 ? String(processIds[0]) : '',
    title: firstLine(message.body, 200),
    body: message.body.slice(0, PROPOSAL_BODY_MAX),
    category: '',
    districtId: message.districtId === null ? '' : String(message.districtId),
    lat: message.lat === null ? '' : message.lat.toFixed(6),
    lng: message.lng === null ? '' : message.lng.toFixed(6),
    showName: false,
  };
}

/** The city's processes whose phase running now takes new proposals. */
async function openProcesses(ctx: AppContext, request: FastifyRequest) {
  return (await findProcesses(ctx.db, request.organisation.id)).filter((process) =>
    phaseAllows(process, 'proposals', 'create'),
  );
}

async function renderForm(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  conversationId: number,
  form: ProposalForm,
  errors: Record<string, FieldError> = {},
  status = 200,
): Promise<FastifyReply> {
  const { t, organisation } = request;
  const [processes, districts] = await Promise.all([
    openProcesses(ctx, request),
    findDistricts(ctx.db, organisation.id),
  ]);
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

/** A coordinate typed in the form: null when blank, NaN when not a number (refused by the use case). */
function coordinate(value: string): number | null {
  if (value === '') return null;
  return /^-?\d{1,3}(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
}

/** Turning a conversation's message into a proposal of an open process: the prefilled form and its submission. */
export function registerToProposalPages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/:conversationId/proposal', { schema: { hide: true } }, async (request, reply) => {
    const { conversationId, message } = await loadIncomingMessage(
      ctx,
      request,
      validFields(readForm(MessageQuery, request.query)).message ?? '',
      'proposal',
    );
    const processes = await openProcesses(ctx, request);
    return renderForm(
      ctx,
      request,
      reply,
      conversationId,
      prefill(
        message,
        processes.map((p) => p.id),
      ),
    );
  });

  app.post('/staff/inbox/:conversationId/proposal', { schema: { hide: true } }, async (request, reply) => {
    const read = readForm(ToProposalForm, request.body);
    if (!read.ok) throw invalidForm(read.errors);
    const sent = read.value;
    const { conversationId, message } = await loadIncomingMessage(ctx, request, sent.message, 'proposal');
    const form: ProposalForm = {
      ...sent,
      message: String(message.id),
      body: sent.body.replace(/\r\n/g, '\n'),
      showName: sent.showName === '1',
    };
    const outcome = await turnIntoProposal(ctx, request.viewer, request.organisation, conversationId, {
      messageId: message.id,
      processId: idFrom(form.process) ?? null,
      title: form.title,
      body: form.body,
      category: form.category,
      districtId: idFrom(form.districtId) ?? null,
      lat: coordinate(form.lat),
      lng: coordinate(form.lng),
      showName: form.showName,
    });
    if (!outcome.ok) {
      const errors = Object.fromEntries(
        Object.entries(outcome.fields).map(([field, problem]) => [
          field,
          codedError(
            field,
            field === 'process' ? outcome.code : 'PROPOSAL_INVALID',
            request.t(
              problem === 'processRequired'
                ? 'inbox.proposal.processRequired'
                : problem === 'PARTICIPATION_CLOSED'
                  ? 'participation.error.PARTICIPATION_CLOSED'
                  : fieldProblemMessage(problem),
            ),
          ),
        ]),
      );
      return renderForm(
        ctx,
        request,
        reply,
        conversationId,
        form,
        errors,
        outcome.code === 'PARTICIPATION_CLOSED' ? 409 : 400,
      );
    }
    setNotice(reply, 'inbox.proposal.done');
    return reply.redirect(`/staff/inbox/${conversationId}`, 303);
  });
}
