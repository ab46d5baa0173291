import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { invalidForm, readForm, validFields } from '../../../platform/web/forms.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { boundingBox, findDistrictsWithGeometry } from '../../places/index.ts';
import {
  answersFromForm,
  questionFieldId,
  reportFormChoices,
  submissionAnswers,
  submissionProblemMessage,
} from '../../reports/index.ts';
import { turnIntoReport } from '../conversations.use-cases.ts';
import { MessageQuery, ToReportForm } from '../inbox.forms.ts';
import type { ThreadMessage } from '../conversations.repository.ts';
import { codedError, loadIncomingMessage, type FieldError } from './shared.ts';
import { DESCRIPTION_MAX, reportFormView, type ReportForm } from './to-report.view.ts';

/** Which form field a refusal of the reports intake belongs to. */
const FIELD_OF: Record<string, keyof ReportForm> = {
  REPORT_DESCRIPTION_REQUIRED: 'description',
  REPORT_DESCRIPTION_TOO_LONG: 'description',
  REPORT_INVALID_LOCATION: 'lat',
  REPORT_OUTSIDE_CITY: 'lat',
  REPORT_UNKNOWN_CATEGORY: 'category',
  REPORT_MISSING_ANSWER: 'category',
  REPORT_INVALID_ANSWER: 'category',
};
const MESSAGE_OF: Record<string, MessageKey> = {
  REPORT_DESCRIPTION_REQUIRED: 'reports.error.description',
  REPORT_DESCRIPTION_TOO_LONG: 'reports.error.descriptionTooLong',
  REPORT_INVALID_LOCATION: 'reports.error.location',
  REPORT_OUTSIDE_CITY: 'reports.error.outside',
  REPORT_UNKNOWN_CATEGORY: 'reports.error.category',
};

/** The form's starting values: the message's text, its coordinates, else the middle of its district, else the city's centre. */
async function prefill(ctx: AppContext, request: FastifyRequest, message: ThreadMessage): Promise<ReportForm> {
  let lat = message.lat;
  let lng = message.lng;
  if ((lat === null || lng === null) && message.districtId !== null) {
    const district = (await findDistrictsWithGeometry(ctx.db, request.organisation.id)).find(
      (d) => d.id === message.districtId,
    );
    if (district) {
      const box = boundingBox(district.geometry);
      lat = (box.minLat + box.maxLat) / 2;
      lng = (box.minLng + box.maxLng) / 2;
    }
  }
  lat ??= request.organisation.map.lat;
  lng ??= request.organisation.map.lng;
  return {
    message: String(message.id),
    category: '',
    answers: {},
    lat: lat.toFixed(6),
    lng: lng.toFixed(6),
    address: message.place ?? '',
    description: message.body.slice(0, DESCRIPTION_MAX),
  };
}

/** Loads the report categories and their questions, and shows the form. */
async function reportFormPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  conversationId: number,
  form: ReportForm,
  errors: Record<string, FieldError> = {},
): Promise<FastifyReply> {
  // every active category and all their questions at once (the reports module keeps them while current)
  const choices = await reportFormChoices(ctx, request.organisation);
  return reportFormView(request, reply, { conversationId, choices }, form, errors);
}

/** Turning a conversation's message into a report: the prefilled form and its submission. */
export function registerToReportPages(app: App, ctx: AppContext): void {
  app.get('/staff/inbox/:conversationId/report', { schema: { hide: true } }, async (request, reply) => {
    const { conversationId, message } = await loadIncomingMessage(
      ctx,
      request,
      validFields(readForm(MessageQuery, request.query)).message ?? '',
      'report',
    );
    return reportFormPage(ctx, request, reply, conversationId, await prefill(ctx, request, message));
  });

  app.post('/staff/inbox/:conversationId/report', { schema: { hide: true } }, async (request, reply) => {
    const body = request.body;
    const read = readForm(ToReportForm, body);
    if (!read.ok) throw invalidForm(read.errors);
    const fields = read.value;
    const { conversationId, message } = await loadIncomingMessage(ctx, request, fields.message, 'report');
    const choices = await reportFormChoices(ctx, request.organisation);
    const category = choices.categories.find((c) => c.code === fields.category);
    const questions = category ? (choices.questions.get(category.code) ?? []) : [];
    // The chosen category's own questions (required ones are asked again until answered, as on /reports/new).
    const answers = category ? answersFromForm(body, category.code, questions) : {};
    const form: ReportForm = {
      message: String(message.id),
      category: fields.category,
      answers,
      lat: fields.lat,
      lng: fields.lng,
      address: fields.address,
      description: fields.description.trim(),
    };
    // Without JavaScript, choosing a category and asking for its questions comes back to the form, filled in.
    if (fields.step === 'questions') return reportFormPage(ctx, request, reply, conversationId, form);
    const coordinate = (value: string) => (/^-?\d{1,3}(\.\d+)?$/.test(value) ? Number(value) : Number.NaN);
    const outcome = await turnIntoReport(ctx, request.viewer, request.organisation, conversationId, {
      messageId: message.id,
      categoryCode: form.category,
      lat: coordinate(form.lat),
      lng: coordinate(form.lng),
      address: form.address,
      description: form.description,
      answers: submissionAnswers(answers, questions),
    });
    if ('invalid' in outcome) {
      const errors: Record<string, FieldError> = {};
      for (const problem of outcome.invalid) {
        const questionField = problem.field.startsWith('attribute[')
          ? questionFieldId(form.category, questions, problem.field)
          : undefined;
        if (questionField !== undefined) {
          errors[questionField] ??= codedError(
            questionField,
            problem.code,
            submissionProblemMessage(request, problem, questions),
          );
          continue;
        }
        const field = FIELD_OF[problem.code] ?? 'category';
        const key = MESSAGE_OF[problem.code];
        errors[field] ??= codedError(
          field,
          problem.code,
          key ? request.t(key, { question: problem.field }) : problem.message,
        );
      }
      return reportFormPage(ctx, request, reply, conversationId, form, errors);
    }
    setNotice(reply, 'inbox.report.done');
    return reply.redirect(`/staff/inbox/${conversationId}`, 303);
  });
}
