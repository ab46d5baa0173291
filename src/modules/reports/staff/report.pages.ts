import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { findDistricts } from '../../places/index.ts';
import { canManageReport, isReportStatus } from '../manage-report.use-cases.ts';
import { findOpenReportsNearby } from '../nearby-reports.repository.ts';
import { findCategories, findQuestions } from '../report-categories.repository.ts';
import { findReportById, type ReportRow } from '../reports-list.repository.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { MergeForm, ReportStatusForm, RerouteForm, StatusQuery, VisibilityForm } from '../reports.forms.ts';
import { mayDo, mayViewReport } from './staff.policy.ts';
import {
  findAnswerTemplates,
  findDepartments,
  findReportInternals,
  findStaffHistory,
  findStaffPhotoData,
  findStaffPhotos,
} from './staff.repository.ts';
import {
  giveStatus,
  mergeInto,
  moderatePhoto,
  moderateReport,
  reroute,
  residentLanguage,
  SETTABLE_STATUSES,
  templateFor,
  type Outcome,
} from './staff.use-cases.ts';
import { idFrom, paramId, translateErrors } from './shared.ts';
import { reportPage, type FormState, type ReportPageData } from './report.view.ts';

async function loadViewable(ctx: AppContext, request: FastifyRequest): Promise<ReportRow> {
  const viewer = request.viewer;
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const id = paramId(request);
  const report = id === undefined ? undefined : await findReportById(ctx.db, request.organisation.id, id, true);
  if (!report) throw new AppError('REPORT_NOT_FOUND');
  if (!mayViewReport(viewer, { department_id: report.departmentId })) throw new AppError('FORBIDDEN');
  return report;
}

/**
 * What the staff page of a report shows besides the report: its internals, history, photos and
 * answers, the choices of its forms, the nearby reports it may be merged into, and the status and
 * answer template the status form starts from (the status asked for in the address, ?status=fixed,
 * unless the form was sent with one).
 */
async function loadReportPage(
  ctx: AppContext,
  request: FastifyRequest,
  report: ReportRow,
  values: Record<string, string>,
): Promise<ReportPageData> {
  const { organisation } = request;
  const viewer = request.viewer;
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const manage = canManageReport(viewer, { department_id: report.departmentId });
  const moderate = mayDo(viewer, 'moderate');
  const [internals, history, photos, questions, departments, categories, districts, templates, nearby, language] =
    await Promise.all([
      findReportInternals(ctx.db, organisation.id, report.id),
      findStaffHistory(ctx.db, organisation.id, report.id),
      findStaffPhotos(ctx.db, organisation.id, report.id),
      findQuestions(ctx.db, report.categoryId),
      findDepartments(ctx.db, organisation.id),
      findCategories(ctx.db, organisation.id, true),
      findDistricts(ctx.db, organisation.id),
      findAnswerTemplates(ctx.db, organisation.id),
      report.isOpen
        ? findOpenReportsNearby(ctx.db, organisation.id, report.categoryId, report.lat, report.lng, 250, 6)
        : Promise.resolve([]),
      residentLanguage(ctx, organisation, report.id),
    ]);
  const asked = readForm(StatusQuery, request.query);
  if (!asked.ok) throw invalidForm(asked.errors);
  const askedStatus = asked.value.status;
  const chosenStatus =
    values.status ?? (isReportStatus(askedStatus) && SETTABLE_STATUSES.includes(askedStatus) ? askedStatus : '');
  const template =
    values.publicText === undefined && isReportStatus(chosenStatus)
      ? await templateFor(ctx, organisation, report.id, chosenStatus)
      : undefined;
  return {
    manage,
    moderate,
    internals,
    history,
    photos,
    questions,
    departments,
    categories,
    districts,
    templates,
    nearby,
    language,
    chosenStatus,
    template,
  };
}

/** The staff page of a report, with the form that was sent and its errors when it is shown again. */
async function renderReport(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  report: ReportRow,
  form?: FormState,
  status = 200,
): Promise<FastifyReply> {
  const data = await loadReportPage(ctx, request, report, form?.values ?? {});
  return reportPage(request, reply, report, data, form, status);
}

/** Shows the page again with the form's errors, or goes back to it with a notice. */
async function finish(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  report: ReportRow,
  outcome: Outcome,
  values: Record<string, string>,
  notice: MessageKey,
  anchor = '',
): Promise<FastifyReply> {
  if (!outcome.ok)
    return renderReport(ctx, request, reply, report, { errors: translateErrors(request, outcome.fields), values }, 400);
  setNotice(reply, notice);
  return reply.redirect(`/staff/reports/${report.id}${anchor}`, 303);
}

/** The staff page of one report and its forms: status with public answer, re-route, merge, moderation. */
export function registerReportPages(app: App, ctx: AppContext): void {
  app.get('/staff/reports/:id', { schema: { hide: true } }, async (request, reply) =>
    renderReport(ctx, request, reply, await loadViewable(ctx, request)),
  );

  app.get('/staff/reports/:id/photos/:photoId', { schema: { hide: true } }, async (request, reply) => {
    const report = await loadViewable(ctx, request);
    const photoId = paramId(request, 'photoId');
    const photo =
      photoId === undefined ? undefined : await findStaffPhotoData(ctx.db, request.organisation.id, report.id, photoId);
    if (!photo) throw new AppError('NOT_FOUND');
    return reply.header('cache-control', 'private, no-store').type(photo.contentType).send(photo.data);
  });

  app.post('/staff/reports/:id/status', { schema: { hide: true } }, async (request, reply) => {
    const report = await loadViewable(ctx, request);
    const form = readForm(ReportStatusForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const values = form.value;
    const outcome = await giveStatus(
      ctx,
      request.viewer as NonNullable<typeof request.viewer>,
      request.organisation,
      report.id,
      values,
    );
    return finish(ctx, request, reply, report, outcome, values, 'reports.staff.notice.status');
  });

  app.post('/staff/reports/:id/reroute', { schema: { hide: true } }, async (request, reply) => {
    const report = await loadViewable(ctx, request);
    const form = readForm(RerouteForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const values = form.value;
    const outcome = await reroute(ctx, request.viewer as NonNullable<typeof request.viewer>, report.id, {
      departmentId: idFrom(values.departmentId),
      categoryId: idFrom(values.categoryId),
      reason: values.reason,
    });
    return finish(ctx, request, reply, report, outcome, values, 'reports.staff.notice.rerouted');
  });

  app.post('/staff/reports/:id/merge', { schema: { hide: true } }, async (request, reply) => {
    const report = await loadViewable(ctx, request);
    const form = readForm(MergeForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const values = form.value;
    const outcome = await mergeInto(
      ctx,
      request.viewer as NonNullable<typeof request.viewer>,
      report.id,
      values.keepId || values.keepChoice,
    );
    return finish(ctx, request, reply, report, outcome, values, 'reports.staff.notice.merged');
  });

  app.post('/staff/reports/:id/visibility', { schema: { hide: true } }, async (request, reply) => {
    const report = await loadViewable(ctx, request);
    const form = readForm(VisibilityForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const { hidden, reason } = form.value;
    const outcome = await moderateReport(
      ctx,
      request.viewer as NonNullable<typeof request.viewer>,
      report.id,
      hidden,
      reason,
    );
    return finish(
      ctx,
      request,
      reply,
      report,
      outcome,
      { hideReason: reason },
      hidden ? 'reports.staff.notice.hidden' : 'reports.staff.notice.shown',
    );
  });

  app.post('/staff/reports/:id/photos/:photoId/visibility', { schema: { hide: true } }, async (request, reply) => {
    const report = await loadViewable(ctx, request);
    const photoId = paramId(request, 'photoId');
    if (photoId === undefined) throw new AppError('NOT_FOUND');
    const form = readForm(VisibilityForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const { hidden, reason } = form.value;
    const outcome = await moderatePhoto(
      ctx,
      request.viewer as NonNullable<typeof request.viewer>,
      report.id,
      photoId,
      hidden,
      reason,
    );
    return finish(
      ctx,
      request,
      reply,
      report,
      outcome,
      {},
      hidden ? 'reports.staff.notice.photoHidden' : 'reports.staff.notice.photoShown',
    );
  });
}
