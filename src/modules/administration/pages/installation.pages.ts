import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { LANGUAGES, isLanguage } from '../../../platform/i18n/languages.ts';
import { requireId } from '../../../platform/validation.ts';
import { readForm, validFields } from '../../../platform/web/forms.ts';
import { html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, field, setNotice } from '../../../platform/web/layout.ts';
import { MapTilesForm } from '../administration.schema.ts';
import {
  findInstallationCity,
  listInstallationCities,
  updateCityMapTiles,
  type InstallationCity,
  type MapTilesInput,
  type MapTilesProblem,
} from '../installation.use-cases.ts';
import { renderAdminPage } from './admin-page.ts';

/**
 * The installation's pages, for installation administrators: every city with its host names, address,
 * languages, time zone and street map, and each city's map settings.
 */
export function registerInstallationPages(app: App, ctx: AppContext): void {
  app.get('/installation/cities', { schema: { hide: true } }, async (request, reply) => {
    const cities = await listInstallationCities(ctx, request.viewer);
    const { t } = request;
    return renderAdminPage(request, reply, {
      title: t('admin.installation.title'),
      main: html`<h1>${t('admin.installation.title')}</h1>
<p>${t('admin.installation.intro')}</p>
<div class="table-wrap"><table class="data-table">
  <caption class="visually-hidden">${t('admin.installation.title')}</caption>
  <thead><tr><th scope="col">${t('admin.installation.city')}</th><th scope="col">${t('admin.installation.hosts')}</th><th scope="col">${t('admin.installation.url')}</th><th scope="col">${t('admin.installation.languages')}</th><th scope="col">${t('admin.installation.timeZone')}</th><th scope="col">${t('admin.installation.map')}</th></tr></thead>
  <tbody>
  ${cities.map((city) => row(request, city))}
  </tbody>
</table></div>`,
    });
  });

  app.get<{ Params: { id: string } }>(
    '/installation/cities/:id/map',
    { schema: { hide: true } },
    async (request, reply) => {
      const city = await findInstallationCity(ctx, request.viewer, requireId(request.params.id, 'CITY_NOT_FOUND'));
      const tiles = city.organisation.tiles;
      return mapPage(request, reply, city, {
        tileUrl: tiles?.tileUrl ?? '',
        attribution: tiles?.attribution ?? '',
        maxZoom: String(tiles?.maxZoom ?? city.map.maxZoom),
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/installation/cities/:id/map',
    { schema: { hide: true } },
    async (request, reply) => {
      const id = requireId(request.params.id, 'CITY_NOT_FOUND');
      const form = validFields(readForm(MapTilesForm, request.body));
      const input: MapTilesInput = {
        tileUrl: form.tileUrl ?? '',
        attribution: form.attribution ?? '',
        maxZoom: form.maxZoom ?? '',
      };
      const outcome = await updateCityMapTiles(ctx, request.viewer, id, input);
      if (!outcome.ok) {
        const city = await findInstallationCity(ctx, request.viewer, id);
        return mapPage(request, reply, city, input, outcome.fields);
      }
      setNotice(reply, 'admin.installation.saved');
      return reply.redirect('/installation/cities', 303);
    },
  );
}

function cityName(city: InstallationCity): string {
  const { organisation } = city;
  return organisation.name[organisation.defaultLanguage] ?? Object.values(organisation.name)[0] ?? organisation.slug;
}

function row(request: FastifyRequest, city: InstallationCity) {
  const { t } = request;
  const { organisation, map } = city;
  const name = cityName(city);
  return html`<tr id="city-${organisation.slug}">
    <th scope="row">${name} <span class="muted">(${organisation.slug}${organisation.isDefault ? html`, ${t('admin.installation.default')}` : ''})</span></th>
    <td>${organisation.hosts.join(', ') || '—'}</td>
    <td><a href="${city.url}">${city.url}</a>${city.urlSet ? '' : html` <span class="muted">${t('admin.installation.urlDerived')}</span>`}</td>
    <td>${organisation.languages.map((code, index) => html`${index > 0 ? ', ' : ''}<span lang="${code}">${isLanguage(code) ? LANGUAGES[code].name : code}</span>`)}</td>
    <td>${organisation.timeZone}</td>
    <td>
      <p>${map.tileUrl ? html`<code>${map.tileUrl}</code>` : t('admin.installation.mapNone')}${city.ownTiles ? '' : html` <span class="muted">(${t('admin.installation.mapDefault')})</span>`}</p>
      ${map.tileUrl ? html`<p>${map.attribution}</p>` : ''}
      <p>${t('admin.installation.maxZoom', { zoom: String(map.maxZoom) })}</p>
      <p><a href="/installation/cities/${organisation.id}/map">${t('admin.installation.editMap')}<span class="visually-hidden">: ${name}</span></a></p>
    </td>
  </tr>`;
}

function mapPage(
  request: FastifyRequest,
  reply: FastifyReply,
  city: InstallationCity,
  values: MapTilesInput,
  problems: Record<string, MapTilesProblem> = {},
) {
  const { t } = request;
  const errors = Object.fromEntries(Object.entries(problems).map(([name, code]) => [name, t(`error.${code}`)]));
  const title = t('admin.installation.mapTitle', { city: cityName(city) });
  return renderAdminPage(request, reply, {
    title,
    status: Object.keys(errors).length ? 400 : 200,
    main: html`<h1>${title}</h1>
<p>${t('admin.installation.mapIntro')}</p>
${errorSummary(request, errors)}
<form method="post" action="/installation/cities/${city.organisation.id}/map" class="stack" novalidate>
  ${csrfField(request)}
  ${field({ name: 'tileUrl', label: t('admin.installation.tileUrl'), hint: t('admin.installation.tileUrl.hint'), value: values.tileUrl, error: errors.tileUrl, type: 'url', maxlength: 500 })}
  ${field({ name: 'attribution', label: t('admin.installation.attribution'), hint: t('admin.installation.attribution.hint'), value: values.attribution, error: errors.attribution, maxlength: 300 })}
  ${field({ name: 'maxZoom', label: t('admin.installation.maxZoom.label'), value: values.maxZoom, error: errors.maxZoom, type: 'number', required: true })}
  <button type="submit" class="button">${t('form.save')}</button>
</form>
<p><a href="/installation/cities">${t('admin.installation.back')}</a></p>`,
  });
}
