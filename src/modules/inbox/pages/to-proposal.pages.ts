import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { fieldProblemMessage, findProcesses, phaseAllows } from '../../participation/index.ts';
import { findDistricts } from '../../places/index.ts';
import { PROPOSAL_BODY_MAX, turnIntoProposal } from '../conversations.use-cases.ts';
import type { ThreadMessage } from '../conversations.repository.ts';
import { codedError, loadIncomingMessage, firstLine, idFrom, type FieldError } from './shared.ts';
import { invalidForm, readForm, validFields } from '../../../platform/web/forms.ts';
import { MessageQuery, ToProposalForm } from '../inbox.forms.ts';
import { proposalFormView, type ProposalForm } from './to-proposal.view.ts';

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

/** Loads the open processes and the districts, and shows the form. */
async function proposalFormPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  conversationId: number,
  form: ProposalForm,
  errors: Record<string, FieldError> = {},
  status = 200,
): Promise<FastifyReply> {
  const [processes, districts] = await Promise.all([
    openProcesses(ctx, request),
    findDistricts(ctx.db, request.organisation.id),
  ]);
  return proposalFormView(request, reply, { conversationId, processes, districts }, form, errors, status);
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
    return proposalFormPage(
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
      return proposalFormPage(
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
