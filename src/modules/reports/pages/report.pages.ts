import { findLatestUpdateIdBy } from '../reports.repository.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { renderSubjectSections } from '../../../platform/web/subject-sections.ts';
import { findDistricts } from '../../places/index.ts';
import { findDistrictsWithGeometry } from '../../places/index.ts';
import { addResidentUpdate } from '../manage-report.ts';
import { addPhotos, findPhotoData, findReportPhotos, MAX_PHOTOS } from '../photos.ts';
import {
  findPublicHistory,
  findQuestions,
  findReportById,
  type HistoryLine,
  type ReportRow,
} from '../reports.repository.ts';
import { countFollowers, followReport, isFollowing, notifySoon, unfollowReport } from '../subscriptions.ts';
import { reportTitle } from './list.view.ts';
import { cityBounds, renderMap } from './map.ts';
import { MapProjection } from '../../../platform/web/svg-map.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { ReportUpdateForm } from '../reports.forms.ts';
import {
  excerpt,
  isStatus,
  plain,
  reportsAsset,
  statusLabel,
  statusMeaning,
  statusTag,
  stylesheet,
  notFound,
} from './shared.ts';
import { photoProblem, readPhotos } from './uploads.ts';

/** The id in `/reports/:id`, or undefined when it is not a positive integer. */
export function reportIdParam(request: FastifyRequest): number | undefined {
  const text = (request.params as { id?: string }).id ?? '';
  return /^[1-9]\d{0,15}$/.test(text) ? Number(text) : undefined;
}

function historyLine(request: FastifyRequest, line: HistoryLine): Html {
  const { t } = request;
  const what =
    line.kind === 'created'
      ? t('reports.page.history.created')
      : line.kind === 'status' && isStatus(line.statusTo)
        ? t('reports.page.history.status', { status: statusLabel(request, line.statusTo) })
        : line.kind === 'reopen'
          ? t('reports.page.history.reopen')
          : line.kind === 'merge'
            ? t('reports.page.history.merge')
            : line.kind === 'comment'
              ? t('reports.page.history.comment')
              : t('reports.page.history.answer');
  const who = line.byStaff ? t('reports.page.history.byStaff') : '';
  return html`<li>
  <p><time datetime="${line.createdAt.toISOString()}">${formatDate(request, line.createdAt, true)}</time> — <strong>${what}</strong>${who ? html` <span class="muted">(${who})</span>` : ''}</p>
  ${line.publicText ? html`<blockquote>${line.publicText}</blockquote>` : ''}
</li>`;
}

interface UpdateState {
  text: string;
  stillThere: boolean;
  errors: Record<string, string>;
}

async function reportPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  report: ReportRow,
  update: UpdateState = { text: '', stillThere: false, errors: {} },
  status = 200,
): Promise<FastifyReply> {
  const { t, organisation, viewer } = request;
  const [districts, shapes, history, photos, questions, followers, following] = await Promise.all([
    findDistricts(ctx.db, organisation.id),
    findDistrictsWithGeometry(ctx.db, organisation.id),
    findPublicHistory(ctx.db, organisation.id, report.id),
    findReportPhotos(ctx.db, organisation.id, report.id),
    findQuestions(ctx.db, report.categoryId),
    countFollowers(ctx.db, report.id),
    viewer ? isFollowing(ctx.db, report.id, viewer.id) : Promise.resolve(false),
  ]);
  const district = districts.find((d) => d.id === report.districtId);
  const title = reportTitle(request, report, districts);
  // a small map around the report: its district, or 600 m around it
  const shape = shapes.find((s) => s.id === report.districtId);
  const around = {
    minLat: report.lat - 0.0055,
    maxLat: report.lat + 0.0055,
    minLng: report.lng - 0.008,
    maxLng: report.lng + 0.008,
  };
  const projection = new MapProjection(shape ? cityBounds([shape], organisation.map) : around);
  const answered = questions.filter((q) => report.answers[q.code] !== undefined && report.answers[q.code] !== '');
  const answerText = (code: string, value: string | string[]) => {
    const question = questions.find((q) => q.code === code);
    const values = Array.isArray(value) ? value : [value];
    return values.map((v) => plain(request, question?.options.find((o) => o.key === v)?.name) || v).join(', ');
  };
  const errors = update.errors;

  const main = html`${stylesheet()}
<article aria-labelledby="report-title">
<p><a href="/reports">← ${t('reports.page.back')}</a></p>
<h1 id="report-title">${title} <span class="muted">#${report.id}</span></h1>
<p>${statusTag(request, report.status)} ${statusMeaning(request, report.status)}</p>
${report.duplicateOfId ? html`<p><a href="/reports/${report.duplicateOfId}">${t('reports.page.duplicateOf', { id: report.duplicateOfId })}</a></p>` : ''}
<dl class="report-facts">
  <dt>${t('reports.page.category')}</dt><dd>${plain(request, report.categoryName)}</dd>
  <dt>${t('reports.page.status')}</dt><dd>${statusLabel(request, report.status)}</dd>
  <dt>${t('reports.page.department')}</dt><dd>${report.departmentName ? plain(request, report.departmentName) : t('reports.page.noDepartment')}</dd>
  ${district ? html`<dt>${t('reports.page.district')}</dt><dd>${plain(request, district.name)}</dd>` : ''}
  <dt>${t('reports.page.place')}</dt><dd>${report.address ? html`${report.address}<br>` : ''}${t('reports.page.coordinates', { lat: report.lat.toFixed(5), lng: report.lng.toFixed(5) })}</dd>
  <dt>${t('reports.page.reported')}</dt><dd><time datetime="${report.createdAt.toISOString()}">${formatDate(request, report.createdAt, true)}</time></dd>
  ${report.isOpen && report.deadlineAt ? html`<dt>${t('reports.page.deadline')}</dt><dd><time datetime="${report.deadlineAt.toISOString()}">${formatDate(request, report.deadlineAt)}</time></dd>` : ''}
  <dt>${t('reports.page.by')}</dt><dd>${report.showName && report.authorName ? report.authorName : t('reports.page.anonymous')}</dd>
</dl>
<p class="report-description">${report.description}</p>
${answered.length ? html`<h2>${t('reports.page.answers')}</h2><dl class="report-facts">${answered.map((q) => html`<dt>${plain(request, q.label)}</dt><dd>${answerText(q.code, report.answers[q.code] as string | string[])}</dd>`)}</dl>` : ''}
${renderMap({ projection, districts: shape ? [shape] : [], districtLabel: (d) => plain(request, d.name), title: t('reports.map.title'), description: t('reports.page.coordinates', { lat: report.lat.toFixed(5), lng: report.lng.toFixed(5) }), marker: { lat: report.lat, lng: report.lng }, mode: 'static' })}
${photos.length ? html`<h2>${t('reports.page.photos')}</h2><ul class="report-photos">${photos.map((photo, index) => html`<li><a href="/reports/${report.id}/photos/${photo.id}"><img src="/reports/${report.id}/photos/${photo.id}" alt="${t('reports.page.photoAlt', { n: index + 1 })}" loading="lazy"></a></li>`)}</ul>` : ''}
<h2>${t('reports.page.history')}</h2>
<ol class="report-history">${history.map((line) => historyLine(request, line))}</ol>
</article>

<section aria-labelledby="follow-title">
  <h2 id="follow-title" class="visually-hidden">${t('reports.page.follow')}</h2>
  <p>${t('reports.page.followers', { count: followers })}</p>
  ${
    viewer
      ? html`<form method="post" action="/reports/${report.id}/${following ? 'unfollow' : 'follow'}">${csrfField(request)}<button type="submit" class="button button--secondary">${following ? t('reports.page.unfollow') : t('reports.page.follow')}</button></form>`
      : html`<p><a href="/sign-in?next=${encodeURIComponent(`/reports/${report.id}`)}">${t('reports.page.followSignIn')}</a></p>`
  }
  <p><a href="/reports/${report.id}/feed.atom">${t('reports.page.feed')}</a></p>
</section>

<section aria-labelledby="update-title">
  <h2 id="update-title">${t('reports.update.title')}</h2>
  ${
    viewer
      ? html`${errorSummary(request, errors)}
  <p>${t('reports.update.lead')}</p>
  <form method="post" action="/reports/${report.id}/updates" enctype="multipart/form-data" class="stack" novalidate>
    ${csrfField(request)}
    <div class="field${errors.text ? ' field--error' : ''}">
      <label for="text">${t('reports.update.text')}</label>
      ${errors.text ? html`<p class="field__error" id="text-error">${errors.text}</p>` : ''}
      <textarea id="text" name="text" maxlength="2000"${errors.text ? raw(' aria-invalid="true" aria-describedby="text-error"') : ''}>${update.text}</textarea>
    </div>
    ${
      report.isOpen
        ? ''
        : html`<div class="checkbox"><input type="checkbox" id="stillThere" name="stillThere" value="yes" aria-describedby="stillThere-hint"${update.stillThere ? raw(' checked') : ''}><label for="stillThere">${t('reports.update.stillThere')}</label></div>
    <p class="field__hint" id="stillThere-hint">${t('reports.update.stillThere.hint')}</p>`
    }
    <div class="field${errors.photos ? ' field--error' : ''}">
      <label for="photos">${t('reports.update.photos')}</label>
      <p class="field__hint" id="photos-hint">${t('reports.new.photos.hint')}</p>
      ${errors.photos ? html`<p class="field__error" id="photos-error">${errors.photos}</p>` : ''}
      <input id="photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple aria-describedby="photos-hint${errors.photos ? ' photos-error' : ''}">
    </div>
    <button type="submit" class="button">${t('reports.update.submit')}</button>
  </form>`
      : html`<p><a href="/sign-in?next=${encodeURIComponent(`/reports/${report.id}`)}">${t('reports.update.signIn')}</a></p>`
  }
</section>
${await renderSubjectSections(request, ctx, { type: 'report', id: report.id })}`;
  return renderPage(request, reply, {
    title: `${title} (#${report.id})`,
    description: `${statusLabel(request, report.status)} — ${excerpt(report.description, 180)}`,
    ogType: 'article',
    status,
    path: `/reports/${report.id}`,
    scripts: [reportsAsset('reports-map.js')],
    main,
  });
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
  if (Object.keys(errors).length) return reportPage(ctx, request, reply, report, { text, stillThere, errors }, 400);

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
    return reportPage(ctx, request, reply, report);
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
