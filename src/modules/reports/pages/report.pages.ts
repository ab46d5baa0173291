import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { renderSubjectSections } from '../../../platform/web/subject-sections.ts';
import { findDistricts, findDistrictsWithGeometry } from '../../places/index.ts';
import { addResidentUpdate } from '../manage-report.use-cases.ts';
import { MAX_PHOTOS } from '../photos.ts';
import { addPhotos, findPhotoData, findReportPhotos } from '../photos.repository.ts';
import { findQuestions } from '../report-categories.repository.ts';
import { findLatestUpdateIdBy, findPublicHistory } from '../report-history.repository.ts';
import { findReportById, type ReportRow } from '../reports-list.repository.ts';
import { ReportUpdateForm } from '../reports.forms.ts';
import { notifySoon } from '../subscriptions.ts';
import { countFollowers, followReport, isFollowing, unfollowReport } from '../subscriptions.repository.ts';
import { reportView, type ReportPageData } from './report.view.ts';
import { notFound } from './shared.ts';
import { photoProblem, readPhotos } from './uploads.ts';

/** The id in `/reports/:id`, or undefined when it is not a positive integer. */
export function reportIdParam(request: FastifyRequest): number | undefined {
  const text = (request.params as { id?: string }).id ?? '';
  return /^[1-9]\d{0,15}$/.test(text) ? Number(text) : undefined;
}

/** What the report page shows besides the report (reportView), read in one go. */
async function loadReportPage(ctx: AppContext, request: FastifyRequest, report: ReportRow): Promise<ReportPageData> {
  const { organisation, viewer } = request;
  const [districts, shapes, history, photos, questions, followers, following] = await Promise.all([
    findDistricts(ctx.db, organisation.id),
    findDistrictsWithGeometry(ctx.db, organisation.id),
    findPublicHistory(ctx.db, organisation.id, report.id),
    findReportPhotos(ctx.db, organisation.id, report.id),
    findQuestions(ctx.db, report.categoryId),
    countFollowers(ctx.db, report.id),
    viewer ? isFollowing(ctx.db, report.id, viewer.id) : Promise.resolve(false),
  ]);
  const subjectSections = await renderSubjectSections(request, ctx, { type: 'report', id: report.id });
  return { districts, shapes, history, photos, questions, followers, following, subjectSections };
}

async function loadReport(ctx: AppContext, request: FastifyRequest): Promise<ReportRow | undefined> {
  const id = reportIdParam(request);
  return id === undefined ? undefined : findReportById(ctx.db, request.organisation.id, id);
}

/** Handles a resident's update (text, "still there", photos) sent as multipart. */
export async function handleUpdatePost(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const viewer = request.viewer;
  if (!viewer) throw new AppError(request.sessionToken ? 'SESSION_EXPIRED' : 'AUTHENTICATION_REQUIRED');
  const report = await loadReport(ctx, request);
  if (!report) {
    reply.callNotFound();
    return reply;
  }
  const form = readForm(ReportUpdateForm, request.body);
  if (!form.ok) throw invalidForm(form.errors);
  const { text } = form.value;
  const stillThere = form.value.stillThere === 'yes';
  const uploads = readPhotos(form.value, 'photos');
  const errors: Record<string, string> = {};
  if (!text) errors.text = request.t('reports.error.updateText');
  else if (text.length > 2000) errors.text = request.t('reports.error.updateTooLong');
  const photoError = photoProblem(request, uploads);
  if (photoError) errors.photos = photoError;
  else if (uploads.length > MAX_PHOTOS) errors.photos = request.t('reports.error.photoCount');
  if (Object.keys(errors).length)
    return reportView(
      request,
      reply,
      report,
      await loadReportPage(ctx, request, report),
      { text, stillThere, errors },
      400,
    );

  const { reopened } = await addResidentUpdate(ctx, viewer, report.id, { text, stillThere });
  const good = uploads.flatMap((photo) => ('ok' in photo ? [{ type: photo.type, data: photo.data }] : []));
  if (good.length) {
    const line = await findLatestUpdateIdBy(ctx.db, report.id, viewer.id);
    await addPhotos(ctx.db, request.organisation.id, report.id, line ?? null, viewer.id, good);
  }
  await followReport(ctx.db, request.organisation.id, report.id, { userId: viewer.id });
  await notifySoon(ctx);
  setNotice(reply, reopened ? 'reports.notice.reopened' : 'reports.notice.updated');
  return reply.redirect(`/reports/${report.id}`, 303);
}

/** The public report page, following, and its photos. */
export function registerReportPages(app: App, ctx: AppContext): void {
  app.get('/reports/:id', { schema: { hide: true } }, async (request, reply) => {
    const report = await loadReport(ctx, request);
    if (!report) return notFound(reply);
    return reportView(request, reply, report, await loadReportPage(ctx, request, report));
  });

  app.post('/reports/:id/follow', { schema: { hide: true } }, async (request, reply) => {
    if (!request.viewer) throw new AppError('AUTHENTICATION_REQUIRED');
    const report = await loadReport(ctx, request);
    if (!report) return notFound(reply);
    await followReport(ctx.db, request.organisation.id, report.id, { userId: request.viewer.id });
    setNotice(reply, 'reports.notice.followed');
    return reply.redirect(`/reports/${report.id}`, 303);
  });

  app.post('/reports/:id/unfollow', { schema: { hide: true } }, async (request, reply) => {
    if (!request.viewer) throw new AppError('AUTHENTICATION_REQUIRED');
    const id = reportIdParam(request);
    if (id === undefined) return notFound(reply);
    await unfollowReport(ctx.db, request.organisation.id, id, request.viewer.id);
    setNotice(reply, 'reports.notice.unfollowed');
    return reply.redirect(`/reports/${id}`, 303);
  });

  app.get('/reports/:id/photos/:photoId', { schema: { hide: true } }, async (request, reply) => {
    const id = reportIdParam(request);
    const photoId = Number((request.params as { photoId: string }).photoId);
    if (id === undefined || !Number.isSafeInteger(photoId)) return notFound(reply);
    const photo = await findPhotoData(ctx.db, request.organisation.id, id, photoId);
    if (!photo) return notFound(reply);
    const etag = `"${photo.sha256.slice(0, 32)}"`;
    reply.header('etag', etag).header('cache-control', 'public, max-age=3600');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(photo.contentType).header('content-disposition', 'inline').send(photo.data);
  });
}
