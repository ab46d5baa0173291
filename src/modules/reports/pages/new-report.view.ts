import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { MapProjection, type MapGeometry } from '../../../platform/web/svg-map.ts';
import { csrfField, errorSummary, field, renderPage } from '../../../platform/web/layout.ts';
import type { ReportFormChoices } from '../report-form.use-cases.ts';
import type { Category } from '../report-categories.repository.ts';
import type { NearbyReport } from '../nearby-reports.repository.ts';
import type { GeocodeCandidate } from '../../places/index.ts';
import { cityBounds, renderMap, reportsStreetMap } from './map.ts';
import type { ReportForm } from './new-report.form.ts';
import { answerName, questionFields, questionFieldsScript } from './question-fields.ts';
import { categoryOptions, excerpt, parseCoordinate, plain, reportsAsset, statusTag, stylesheet } from './shared.ts';

export interface PageState {
  form: ReportForm;
  errors: Record<string, string>;
  search?: { query: string; results: GeocodeCandidate[]; available: boolean };
  /** What the city's geocoder offers the page: suggestions as one types, naming a picked place. */
  geocoder?: { available: boolean; suggests: boolean };
  /** The address nearest the chosen point, when the resident gave no address. */
  near?: string;
  /** The city's street lines, for the map drawn without JavaScript. */
  streets?: Array<{ geometry: MapGeometry; name: string }>;
  status?: number;
}

/** The report form with the address search step; with errors when a posted form was refused. */
export function newReportPage(
  request: FastifyRequest,
  reply: FastifyReply,
  choices: ReportFormChoices,
  state: PageState,
): FastifyReply {
  const { t, organisation, viewer } = request;
  const { form, errors } = state;
  const { categories, questions, districts: shapes } = choices;
  const projection = new MapProjection(cityBounds(shapes, organisation.map));
  const lat = parseCoordinate(form.lat);
  const lng = parseCoordinate(form.lng);
  const search = state.search;
  const near = state.near ? t('reports.new.near', { address: state.near }) : '';
  const place =
    form.address || near || (Number.isFinite(lat) && Number.isFinite(lng) ? `${form.lat}, ${form.lng}` : '');
  const geocoder = state.geocoder ?? { available: false, suggests: false };

  const searchBlock = html`<form method="get" action="/reports/new" class="stack" role="search" aria-labelledby="search-label"${
    geocoder.available
      ? html` data-address-search="/api/v1/places/geocode" data-reverse="/api/v1/places/reverse" data-suggest="${geocoder.suggests ? 'true' : 'false'}" data-lang="${request.lang}" data-found="${t('reports.new.suggestions.found', { n: '{{n}}' })}" data-none="${t('reports.new.suggestions.none')}" data-near="${t('reports.new.near', { address: '{{address}}' })}" data-chosen="${t('reports.new.placeChosen', { place: '{{place}}' })}"`
      : ''
  }>
  <div class="field address-search">
    <label for="q" id="search-label">${t('reports.new.search')}</label>
    <p class="field__hint" id="q-hint">${t('reports.new.search.hint')}</p>
    <input id="q" name="q" type="search" value="${search?.query ?? ''}" aria-describedby="q-hint" autocomplete="street-address">
    <ul id="q-suggestions" class="address-suggestions" role="listbox" aria-label="${t('reports.new.suggestions')}" hidden></ul>
    <p id="q-status" class="visually-hidden" role="status" aria-live="polite"></p>
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
    <p role="status" id="place-status" class="place-status">${place ? t('reports.new.placeChosen', { place }) : ''}</p>
    <p class="field__hint" id="place-hint">${t('reports.map.pickHint')} <span class="muted">${t('reports.map.noScript')}</span></p>
    ${errors.lat ? html`<p class="field__error" id="lat-error">${errors.lat}</p>` : ''}
    ${renderMap({ projection, districts: shapes, districtLabel: (d) => plain(request, d.name), title: t('reports.map.title'), description: t('reports.map.pickHint'), marker: Number.isFinite(lat) && Number.isFinite(lng) ? { lat, lng } : undefined, mode: 'pick', ...(state.streets ? { streets: state.streets } : {}) })}
    <p><button type="button" class="button button--secondary" data-locate hidden>${t('reports.map.useLocation')}</button></p>
    ${field({ name: 'address', label: t('reports.new.address'), hint: t('reports.new.address.hint'), value: form.address || near, maxlength: 300, autocomplete: 'off' })}
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
  const street = reportsStreetMap(request, 'pick');
  return renderPage(request, reply, {
    title: t('reports.new.title'),
    status: state.status ?? 200,
    scripts: [
      ...(street ? [...street.scripts, reportsAsset('reports-street-map.js')] : []),
      reportsAsset('reports-map.js'),
      reportsAsset('reports-address.js'),
      questionFieldsScript(),
    ],
    main: street ? html`${street.markup}${main}` : main,
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

/** The possible duplicates of a report about to be sent: "me too" on one of them, or send the new report. */
export function similarPage(
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
