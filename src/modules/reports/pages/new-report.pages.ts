import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { addPhotos, attachPendingPhotos } from '../photos.repository.ts';
import { findPossibleDuplicates, reportFormChoices } from '../report-form.use-cases.ts';
import { findReportById } from '../reports-list.repository.ts';
import { submitReport } from '../submit-report.use-cases.ts';
import { notifySoon } from '../subscriptions.ts';
import { followReport, type Subscriber } from '../subscriptions.repository.ts';
import { geocoderFor } from './geocoder.ts';
import { formFromQuery, problemMessages, readPostedReport, stagePhotos } from './new-report.form.ts';
import { newReportPage, similarPage } from './new-report.view.ts';
import { notFound } from './shared.ts';
import { isEmail } from '../../../platform/validation.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { MeTooForm } from '../reports.forms.ts';

/** Handles a submitted report form: checks it, offers similar reports, then stores the report. */
export async function handleReportPost(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { organisation, viewer } = request;
  const choices = await reportFormChoices(ctx, organisation);
  const { form, questions, submission, errors, category, photos, confirmedNew } = await readPostedReport(
    ctx,
    request,
    choices,
  );
  if (Object.keys(errors).length > 0 || !category) {
    // photos that passed are kept for the next try, so the resident does not pick them again
    if (!errors.photos && photos.length) {
      await stagePhotos(ctx, request, form, photos);
      form.keptPhotos += photos.length;
    }
    return newReportPage(request, reply, choices, { form, errors, status: 400 });
  }

  if (!confirmedNew) {
    const place = { categoryId: category.id, lat: submission.lat, lng: submission.lng };
    const nearby = await findPossibleDuplicates(ctx, organisation, place);
    if (nearby.length > 0) {
      await stagePhotos(ctx, request, form, photos);
      return similarPage(request, reply, form, nearby, category);
    }
  }

  const subscriber: Subscriber = viewer ? { userId: viewer.id } : { email: form.email };
  const outcome = await submitReport(ctx, organisation, {
    ...submission,
    async afterInsert(tx, reportId) {
      if (form.pendingPhotos) await attachPendingPhotos(tx, organisation.id, form.pendingPhotos, reportId);
      await addPhotos(tx, organisation.id, reportId, null, viewer?.id ?? null, photos);
      await followReport(tx, organisation.id, reportId, subscriber);
    },
  });
  if ('invalid' in outcome) {
    // checked a moment ago; only a concurrent change (a category switched off) gets here
    const refused = problemMessages(request, form, questions, outcome.invalid);
    return newReportPage(request, reply, choices, { form, errors: refused, status: 400 });
  }
  await notifySoon(ctx);
  setNotice(reply, 'reports.notice.sent');
  return reply.redirect(`/reports/${outcome.id}`, 303);
}

/** The report form (GET), with the address search step, and the "me too" action. */
export function registerNewReportPages(app: App, ctx: AppContext): void {
  app.get('/reports/new', { schema: { hide: true } }, async (request, reply) => {
    const { form, search: query } = formFromQuery(request.query);
    const geocoder = geocoderFor(request.organisation);
    const search = query
      ? { query, results: await geocoder.search(query, 8), available: geocoder.available }
      : undefined;
    const choices = await reportFormChoices(ctx, request.organisation);
    return newReportPage(request, reply, choices, { form, errors: {}, ...(search ? { search } : {}) });
  });

  app.post('/reports/:id/me-too', { schema: { hide: true } }, async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const report = Number.isSafeInteger(id) ? await findReportById(ctx.db, request.organisation.id, id) : undefined;
    if (!report) return notFound(reply);
    const form = readForm(MeTooForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const email = form.value.email;
    if (!request.viewer && !isEmail(email))
      return reply.redirect(`/sign-in?next=${encodeURIComponent(`/reports/${id}`)}`, 303);
    await followReport(ctx.db, request.organisation.id, id, request.viewer ? { userId: request.viewer.id } : { email });
    setNotice(reply, 'reports.notice.meToo');
    return reply.redirect(`/reports/${id}`, 303);
  });
}
