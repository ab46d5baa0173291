import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { findDistrictsWithGeometry } from '../../places/index.ts';
import { addPhotos, attachPendingPhotos, countPendingPhotos, MAX_PHOTOS, storePendingPhotos } from '../photos.ts';
import {
  findCategories,
  findOpenReportsNearby,
  findReportById,
  findQuestions,
  type Category,
  type NearbyReport,
  type Question,
} from '../reports.repository.ts';
import { checkSubmission, submitReport, type ReportSubmission } from '../submit-report.ts';
import { followReport, notifySoon, type Subscriber } from '../subscriptions.ts';
import { geocoderFor, type Address } from './geocoder.ts';
import { cityBounds, renderMap } from './map.ts';
import { MapProjection } from '../../../platform/web/svg-map.ts';
import { readPhotos, type UploadedPhoto } from './uploads.ts';
import {
  answerName,
  answersFromForm,
  questionFieldId,
  questionFields,
  questionFieldsScript,
  submissionAnswers,
  submissionProblemMessage,
} from './question-fields.ts';
import {
  categoryOptions,
  excerpt,
  formValue,
  parseCoordinate,
  plain,
  reportsAsset,
  statusTag,
  stylesheet,
  notFound,
} from './shared.ts';

/** Open reports of the same category closer than this are offered as "me too" before sending. */
export const DUPLICATE_RADIUS_METERS = 250;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What the resident typed, kept across error pages and the "similar reports" step. */
interface ReportForm {
  lat: string;
  lng: string;
  address: string;
  category: string;
  answers: Record<string, string[]>;
  description: string;
  showName: 'yes' | 'no';
  email: string;
  name: string;
  pendingPhotos: string;
  keptPhotos: number;
}

function emptyForm(): ReportForm {
  return {
    lat: '',
    lng: '',
    address: '',
    category: '',
    answers: {},
    description: '',
    showName: 'no',
    email: '',
    name: '',
    pendingPhotos: '',
    keptPhotos: 0,
  };
}

function fieldIdFor(category: string, questions: Question[], problemField: string): string {
  if (problemField === 'description') return 'description';
  if (problemField === 'lat') return 'lat';
  if (problemField === 'service_code') return 'category';
  return questionFieldId(category, questions, problemField) ?? 'category';
}

interface PageState {
  form: ReportForm;
  errors: Record<string, string>;
  search?: { query: string; results: Address[]; available: boolean };
  status?: number;
}

async function newReportPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  state: PageState,
): Promise<FastifyReply> {
  const { t, organisation, viewer } = request;
  const { form, errors } = state;
  const categories = await findCategories(ctx.db, organisation.id);
  const questions = new Map<string, Question[]>();
  for (const category of categories) questions.set(category.code, await findQuestions(ctx.db, category.id));
  const shapes = await findDistrictsWithGeometry(ctx.db, organisation.id);
  const projection = new MapProjection(cityBounds(shapes, organisation.map));
  const lat = parseCoordinate(form.lat);
  const lng = parseCoordinate(form.lng);
  const search = state.search;
  const place = form.address || (Number.isFinite(lat) && Number.isFinite(lng) ? `${form.lat}, ${form.lng}` : '');

  const searchBlock = html`<form method="get" action="/reports/new" class="stack" role="search" aria-labelledby="search-label">
  <div class="field">
    <label for="q" id="search-label">${t('reports.new.search')}</label>
    <p class="field__hint" id="q-hint">${t('reports.new.search.hint')}</p>
    <input id="q" name="q" type="search" value="${search?.query ?? ''}" aria-describedby="q-hint" autocomplete="street-address">
  </div>
  ${form.category ? html`<input type="hidden" name="category" value="${form.category}">` : ''}
  <button type="submit" class="button button--secondary">${t('reports.new.search.submit')}</button>
</form>
${
  search && search.query
    ? !search.available
      ? html`<p role="status">${t('reports.new.search.unavailable')}</p>`
      : search.results.length === 0
        ? html`<p role="status">${t('reports.new.search.none', { query: search.query })}</p>`
        : html`<section aria-labelledby="results-title"><h3 id="results-title">${t('reports.new.search.results')}</h3><ul class="address-results">${search.results.map(
            (address) => {
              const params = new URLSearchParams({
                lat: String(address.lat),
                lng: String(address.lng),
                address: address.label,
              });
              if (form.category) params.set('category', form.category);
              return html`<li><a href="/reports/new?${params.toString()}#report-form">${address.label}</a></li>`;
            },
          )}</ul></section>`
    : ''
}`;

  const categoryError = errors.category;
  const main = html`${stylesheet()}
<h1>${t('reports.new.title')}</h1>
${errorSummary(request, errors)}
<p>${t('reports.new.lead')}</p>
${viewer ? '' : html`<p>${t('reports.new.signInHint')} <a href="/sign-in?next=%2Freports%2Fnew">${t('site.signIn')}</a></p>`}
<h2>${t('reports.new.place')}</h2>
${searchBlock}
<form method="post" action="/reports" enctype="multipart/form-data" class="stack" id="report-form" novalidate>
  ${csrfField(request)}
  ${form.pendingPhotos ? html`<input type="hidden" name="pendingPhotos" value="${form.pendingPhotos}">` : ''}
  <fieldset class="field${errors.lat ? ' field--error' : ''}" aria-describedby="place-hint">
    <legend>${t('reports.new.place')}</legend>
    ${place ? html`<p role="status"><strong>${t('reports.new.placeChosen', { place })}</strong></p>` : ''}
    <p class="field__hint" id="place-hint">${t('reports.map.pickHint')} <span class="muted">${t('reports.map.noScript')}</span></p>
    ${errors.lat ? html`<p class="field__error" id="lat-error">${errors.lat}</p>` : ''}
    ${renderMap({ projection, districts: shapes, districtLabel: (d) => plain(request, d.name), title: t('reports.map.title'), description: t('reports.map.pickHint'), marker: Number.isFinite(lat) && Number.isFinite(lng) ? { lat, lng } : undefined, mode: 'pick' })}
    <p><button type="button" class="button button--secondary" data-locate hidden>${t('reports.map.useLocation')}</button></p>
    ${field({ name: 'address', label: t('reports.new.address'), hint: t('reports.new.address.hint'), value: form.address, maxlength: 300, autocomplete: 'off' })}
    <div class="field${errors.lat ? ' field--error' : ''}">
      <label for="lat">${t('reports.new.lat')}</label>
      <p class="field__hint" id="lat-hint">${t('reports.new.coordinates.hint')}</p>
      <input id="lat" name="lat" type="text" inputmode="decimal" value="${form.lat}" aria-describedby="lat-hint${errors.lat ? ' lat-error' : ''}"${errors.lat ? raw(' aria-invalid="true"') : ''}>
    </div>
    <div class="field${errors.lat ? ' field--error' : ''}">
      <label for="lng">${t('reports.new.lng')}</label>
      <input id="lng" name="lng" type="text" inputmode="decimal" value="${form.lng}" aria-describedby="lat-hint"${errors.lat ? raw(' aria-invalid="true"') : ''}>
    </div>
  </fieldset>

  <div class="field${categoryError ? ' field--error' : ''}">
    <label for="category">${t('reports.new.category')} <span class="muted">(${t('form.required')})</span></label>
    ${categoryError ? html`<p class="field__error" id="category-error">${categoryError}</p>` : ''}
    <select id="category" name="category"${categoryError ? raw(' aria-invalid="true" aria-describedby="category-error"') : ''}>
      <option value="">${t('reports.new.category.choose')}</option>
      ${categoryOptions(request, categories, form.category)}
    </select>
  </div>
  ${questionFields(request, categories, questions, form.category, form.answers, errors)}

  <div class="field${errors.description ? ' field--error' : ''}">
    <label for="description">${t('reports.new.description')} <span class="muted">(${t('form.required')})</span></label>
    <p class="field__hint" id="description-hint">${t('reports.new.description.hint')}</p>
    ${errors.description ? html`<p class="field__error" id="description-error">${errors.description}</p>` : ''}
    <textarea id="description" name="description" maxlength="4000" aria-describedby="description-hint${errors.description ? ' description-error' : ''}"${errors.description ? raw(' aria-invalid="true"') : ''}>${form.description}</textarea>
  </div>

  <div class="field${errors.photos ? ' field--error' : ''}">
    <label for="photos">${t('reports.new.photos')}</label>
    <p class="field__hint" id="photos-hint">${t('reports.new.photos.hint')}</p>
    ${form.keptPhotos ? html`<p role="status">${t('reports.new.photos.kept', { count: form.keptPhotos })}</p>` : ''}
    ${errors.photos ? html`<p class="field__error" id="photos-error">${errors.photos}</p>` : ''}
    <input id="photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple aria-describedby="photos-hint${errors.photos ? ' photos-error' : ''}"${errors.photos ? raw(' aria-invalid="true"') : ''}>
  </div>

  ${
    viewer
      ? ''
      : html`<fieldset class="stack">
    <legend>${t('reports.new.contact')}</legend>
    ${field({ name: 'email', label: `${t('reports.new.email')} (${t('form.required')})`, type: 'email', hint: t('reports.new.email.hint'), value: form.email, error: errors.email, autocomplete: 'email' })}
    ${field({ name: 'name', label: t('reports.new.name'), hint: t('reports.new.name.hint'), value: form.name, autocomplete: 'name', maxlength: 120 })}
  </fieldset>`
  }
  <fieldset class="field">
    <legend>${t('reports.new.showName')}</legend>
    <div class="checkbox"><input type="radio" id="showName-no" name="showName" value="no"${form.showName === 'no' ? raw(' checked') : ''}><label for="showName-no">${t('reports.new.showName.no')}</label></div>
    <div class="checkbox"><input type="radio" id="showName-yes" name="showName" value="yes"${form.showName === 'yes' ? raw(' checked') : ''}><label for="showName-yes">${t('reports.new.showName.yes')}</label></div>
  </fieldset>
  <button type="submit" class="button">${t('reports.new.submit')}</button>
</form>`;
  return renderPage(request, reply, {
    title: t('reports.new.title'),
    status: state.status ?? 200,
    scripts: [reportsAsset('reports-map.js'), questionFieldsScript()],
    main,
  });
}

/** Hidden inputs carrying a whole form to the next step. */
function hiddenForm(form: ReportForm): Html {
  const pairs: Array<[string, string]> = [
    ['lat', form.lat],
    ['lng', form.lng],
    ['address', form.address],
    ['category', form.category],
    ['description', form.description],
    ['showName', form.showName],
    ['email', form.email],
    ['name', form.name],
    ['pendingPhotos', form.pendingPhotos],
  ];
  for (const [code, values] of Object.entries(form.answers))
    for (const value of values) pairs.push([answerName(form.category, code), value]);
  return html`${pairs.filter(([, value]) => value !== '').map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}`;
}

function similarPage(
  request: FastifyRequest,
  reply: FastifyReply,
  form: ReportForm,
  nearby: NearbyReport[],
  category: Category,
): FastifyReply {
  const { t } = request;
  return renderPage(request, reply, {
    title: t('reports.similar.title'),
    noIndex: true,
    main: html`${stylesheet()}
<h1>${t('reports.similar.title')}</h1>
<p>${t('reports.similar.lead')}</p>
<ol class="report-list">${nearby.map(
      (report) => html`<li class="report-card">
  <h2><a href="/reports/${report.id}">${plain(request, category.name)}${report.address ? ` — ${report.address}` : ''} (#${report.id})</a></h2>
  <p>${statusTag(request, report.status)} <span class="muted">${t('reports.similar.distance', { meters: Math.max(5, Math.round(report.distanceMeters / 5) * 5) })}</span></p>
  <p>${excerpt(report.description, 200)}</p>
  <form method="post" action="/reports/${report.id}/me-too">
    ${csrfField(request)}
    ${form.email ? html`<input type="hidden" name="email" value="${form.email}">` : ''}
    <button type="submit" class="button">${t('reports.similar.meToo')}<span class="visually-hidden"> (#${report.id})</span></button>
  </form>
</li>`,
    )}</ol>
<h2>${t('reports.similar.different')}</h2>
<form method="post" action="/reports">
  ${csrfField(request)}
  ${hiddenForm(form)}
  <input type="hidden" name="confirmNew" value="yes">
  <button type="submit" class="button button--secondary">${t('reports.similar.send')}</button>
</form>`,
  });
}

/** Reads the form from a urlencoded or multipart body; answers only for the chosen category. */
function readForm(body: unknown, questions: Question[]): ReportForm {
  const form = emptyForm();
  form.lat = formValue(body, 'lat');
  form.lng = formValue(body, 'lng');
  form.address = formValue(body, 'address').slice(0, 300);
  form.category = formValue(body, 'category');
  form.description = formValue(body, 'description');
  form.showName = formValue(body, 'showName') === 'yes' ? 'yes' : 'no';
  form.email = formValue(body, 'email');
  form.name = formValue(body, 'name').slice(0, 120);
  form.pendingPhotos = /^[0-9a-f]{32}$/.test(formValue(body, 'pendingPhotos')) ? formValue(body, 'pendingPhotos') : '';
  form.answers = answersFromForm(body, form.category, questions);
  return form;
}

/** Handles a submitted report form: validates, offers similar reports, then stores the report. */
export async function handleReportPost(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { organisation, viewer, t } = request;
  const categories = await findCategories(ctx.db, organisation.id);
  const chosen = categories.find((c) => c.code === formValue(request.body, 'category'));
  const questions = chosen ? await findQuestions(ctx.db, chosen.id) : [];
  const form = readForm(request.body, questions);
  const uploads: UploadedPhoto[] = readPhotos(request.body, 'photos');
  form.keptPhotos = form.pendingPhotos ? await countPendingPhotos(ctx.db, organisation.id, form.pendingPhotos) : 0;
  if (form.keptPhotos === 0) form.pendingPhotos = '';

  const errors: Record<string, string> = {};
  const submission: ReportSubmission = {
    categoryCode: form.category,
    lat: parseCoordinate(form.lat),
    lng: parseCoordinate(form.lng),
    description: form.description,
    address: form.address,
    answers: submissionAnswers(form.answers, questions),
    authorId: viewer?.id ?? null,
    authorName: viewer ? viewer.displayName : form.name,
    authorEmail: viewer ? undefined : form.email,
    showName: form.showName === 'yes',
    source: 'web',
  };
  const check = await checkSubmission(ctx, organisation, submission);
  for (const problem of check.problems) {
    const id = fieldIdFor(form.category, questions, problem.field);
    errors[id] ??= submissionProblemMessage(request, problem, questions);
  }
  if (!viewer && !EMAIL.test(form.email)) errors.email = t('reports.error.email');
  const photoError = uploads.find((photo) => 'error' in photo);
  const goodPhotos = uploads.flatMap((photo) => ('ok' in photo ? [{ type: photo.type, data: photo.data }] : []));
  if (photoError && 'error' in photoError)
    errors.photos = t(photoError.error === 'PHOTO_TOO_LARGE' ? 'reports.error.photoSize' : 'reports.error.photoType');
  else if (goodPhotos.length + form.keptPhotos > MAX_PHOTOS) errors.photos = t('reports.error.photoCount');

  if (Object.keys(errors).length > 0) {
    // photos that passed are kept for the next try, so the resident does not pick them again
    if (!errors.photos && goodPhotos.length) {
      form.pendingPhotos =
        (await storePendingPhotos(
          ctx.db,
          organisation.id,
          viewer?.id ?? null,
          goodPhotos,
          form.pendingPhotos || undefined,
        )) ?? '';
      form.keptPhotos += goodPhotos.length;
    }
    return newReportPage(ctx, request, reply, { form, errors, status: 400 });
  }

  const category = check.category as Category;
  if (formValue(request.body, 'confirmNew') !== 'yes') {
    const nearby = await findOpenReportsNearby(
      ctx.db,
      organisation.id,
      category.id,
      submission.lat,
      submission.lng,
      DUPLICATE_RADIUS_METERS,
    );
    if (nearby.length > 0) {
      form.pendingPhotos =
        (await storePendingPhotos(
          ctx.db,
          organisation.id,
          viewer?.id ?? null,
          goodPhotos,
          form.pendingPhotos || undefined,
        )) ?? '';
      return similarPage(request, reply, form, nearby, category);
    }
  }

  const subscriber: Subscriber = viewer ? { userId: viewer.id } : { email: form.email };
  const outcome = await submitReport(ctx, organisation, {
    ...submission,
    async afterInsert(tx, reportId) {
      if (form.pendingPhotos) await attachPendingPhotos(tx, organisation.id, form.pendingPhotos, reportId);
      await addPhotos(tx, organisation.id, reportId, null, viewer?.id ?? null, goodPhotos);
      await followReport(tx, organisation.id, reportId, subscriber);
    },
  });
  if ('invalid' in outcome) {
    // validated a moment ago; only a concurrent change (a category switched off) gets here
    for (const problem of outcome.invalid)
      errors[fieldIdFor(form.category, questions, problem.field)] ??= submissionProblemMessage(
        request,
        problem,
        questions,
      );
    return newReportPage(ctx, request, reply, { form, errors, status: 400 });
  }
  await notifySoon(ctx);
  setNotice(reply, 'reports.notice.sent');
  return reply.redirect(`/reports/${outcome.id}`, 303);
}

/** The report form (GET), with the address search step, and the "me too" action. */
export function registerNewReportPages(app: App, ctx: AppContext): void {
  app.get('/reports/new', { schema: { hide: true } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const text = (name: string) => {
      const value = query[name];
      return typeof value === 'string' ? value.trim() : '';
    };
    const form = emptyForm();
    form.category = text('category');
    const lat = parseCoordinate(text('lat'));
    const lng = parseCoordinate(text('lng'));
    if (Number.isFinite(lat) && Number.isFinite(lng)) {
      form.lat = String(lat);
      form.lng = String(lng);
      form.address = text('address').slice(0, 300);
    }
    const q = text('q').slice(0, 200);
    const geocoder = geocoderFor(request.organisation);
    const search = q ? { query: q, results: await geocoder.search(q, 8), available: geocoder.available } : undefined;
    return newReportPage(ctx, request, reply, { form, errors: {}, ...(search ? { search } : {}) });
  });

  app.post('/reports/:id/me-too', { schema: { hide: true } }, async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const report = Number.isSafeInteger(id) ? await findReportById(ctx.db, request.organisation.id, id) : undefined;
    if (!report) return notFound(reply);
    const email = formValue(request.body, 'email');
    if (!request.viewer && !EMAIL.test(email))
      return reply.redirect(`/sign-in?next=${encodeURIComponent(`/reports/${id}`)}`, 303);
    await followReport(ctx.db, request.organisation.id, id, request.viewer ? { userId: request.viewer.id } : { email });
    setNotice(reply, 'reports.notice.meToo');
    return reply.redirect(`/reports/${id}`, 303);
  });
}
