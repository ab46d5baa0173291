import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { addPhotos, attachPendingPhotos } from '../photos.repository.ts';
import { findPossibleDuplicates, reportFormChoices } from '../report-form.use-cases.ts';
import { findReportById } from '../reports-list.repository.ts';
import { submitReport } from '../submit-report.use-cases.ts';
import { notifySoon } from '../subscriptions.ts';
import { followReport } from '../subscriptions.repository.ts';
import { followByAddress, holdAnonymousReport } from '../confirm-report.use-cases.ts';
import { AppError } from '../../../platform/errors.ts';
import { findStreetLines, geocoderFor } from '../../places/index.ts';
import { localized } from '../../../platform/i18n/translate.ts';
import { cityBounds } from './map.ts';
import { parseCoordinate } from './shared.ts';
import { formFromQuery, problemMessages, readPostedReport, stagePhotos } from './new-report.form.ts';
import { newReportPage, similarPage } from './new-report.view.ts';
import { notFound } from './shared.ts';
import { isEmail } from '../../../platform/validation.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { MeTooForm } from '../reports.forms.ts';

/**
 * Handles a submitted report form: checks it, offers similar reports, then stores the report — at once
 * for a signed-in resident, and held until the address confirms it for one who is not signed in.
 */
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

  if (!viewer) {
    // not signed in: nothing is published until the address confirms it (a mailed link)
    const held = await holdAnonymousReport(ctx, organisation, {
      submission,
      email: form.email,
      ip: request.ip,
      language: request.lang,
      category: category.name,
      photos,
      keptPhotoToken: form.pendingPhotos || undefined,
    });
    if (!held.ok) {
      // the form comes back as it was, with the photos kept for the next try
      if (photos.length) {
        await stagePhotos(ctx, request, form, photos);
        form.keptPhotos += photos.length;
      }
      reply.header('retry-after', String(held.retryAfterSeconds));
      const errors = { email: request.t('reports.error.tooMany') };
      return newReportPage(request, reply, choices, { form, errors, status: 429 });
    }
    return reply.redirect('/reports/check-mail', 303);
  }

  const outcome = await submitReport(ctx, organisation, {
    ...submission,
    async afterInsert(tx, reportId) {
      if (form.pendingPhotos) await attachPendingPhotos(tx, organisation.id, form.pendingPhotos, reportId);
      await addPhotos(tx, organisation.id, reportId, null, viewer.id, photos);
      await followReport(tx, organisation.id, reportId, { userId: viewer.id });
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
    const geocoder = await geocoderFor(ctx, request.organisation);
    const search = query
      ? { query, results: await geocoder.search(query, request.lang, 8), available: geocoder.available }
      : undefined;
    // a point chosen without an address is named by the nearest one ("Near Via del Porto 12")
    const lat = parseCoordinate(form.lat);
    const lng = parseCoordinate(form.lng);
    const nearest =
      !form.address && Number.isFinite(lat) && Number.isFinite(lng) && geocoder.available
        ? await geocoder.reverse(lat, lng, request.lang)
        : undefined;
    const choices = await reportFormChoices(ctx, request.organisation);
    const { organisation } = request;
    const lines = await findStreetLines(ctx.db, organisation.id, cityBounds(choices.districts, organisation.map));
    const streets = lines.map((line) => ({
      geometry: line.geometry,
      name: localized(line.name, request.lang, organisation.defaultLanguage),
    }));
    return newReportPage(request, reply, choices, {
      form,
      streets,
      errors: {},
      geocoder: { available: geocoder.available, suggests: geocoder.suggests },
      ...(search ? { search } : {}),
      ...(nearest ? { near: nearest.label } : {}),
    });
  });

  app.post('/reports/:id/me-too', { schema: { hide: true } }, async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const report = Number.isSafeInteger(id) ? await findReportById(ctx.db, request.organisation.id, id) : undefined;
    if (!report) return notFound(reply);
    const form = readForm(MeTooForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const email = form.value.email;
    if (request.viewer) {
      await followReport(ctx.db, request.organisation.id, id, { userId: request.viewer.id });
      setNotice(reply, 'reports.notice.meToo');
      return reply.redirect(`/reports/${id}`, 303);
    }
    if (!isEmail(email)) return reply.redirect(`/sign-in?next=${encodeURIComponent(`/reports/${id}`)}`, 303);
    // an address is mailed nothing about the report until it confirms (double opt-in)
    const outcome = await followByAddress(ctx, request.organisation, {
      reportId: id,
      category: report.categoryName,
      email,
      ip: request.ip,
      language: request.lang,
    });
    if (!outcome.ok) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: outcome.retryAfterSeconds });
    setNotice(reply, outcome.state === 'pending' ? 'reports.notice.meTooCheckMail' : 'reports.notice.meToo');
    return reply.redirect(`/reports/${id}`, 303);
  });
}
