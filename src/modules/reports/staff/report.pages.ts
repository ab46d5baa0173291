import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { findReportById, type ReportRow } from '../reports-list.repository.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { MergeForm, ReportStatusForm, RerouteForm, VisibilityForm } from '../reports.forms.ts';
import { mayViewReport } from './staff.policy.ts';
import { findStaffPhotoData } from './staff.repository.ts';
import { giveStatus, mergeInto, moderatePhoto, moderateReport, reroute, type Outcome } from './staff.use-cases.ts';
import { idFrom, paramId, translateErrors } from './shared.ts';
import { renderReport } from './report.view.ts';

async function loadViewable(ctx: AppContext, request: FastifyRequest): Promise<ReportRow> {
  const viewer = request.viewer;
  if (!viewer) throw new AppError('AUTHENTICATION_REQUIRED');
  const id = paramId(request);
  const report = id === undefined ? undefined : await findReportById(ctx.db, request.organisation.id, id, true);
  if (!report) throw new AppError('REPORT_NOT_FOUND');
  if (!mayViewReport(viewer, { department_id: report.departmentId })) throw new AppError('FORBIDDEN');
  return report;
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
