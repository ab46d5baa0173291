import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import type { MessageKey } from '../../platform/i18n/translate.ts';
import { absoluteUrl } from '../../platform/organisations/urls.ts';
import { html } from '../../platform/web/html.ts';
import { cityName, formatDate, renderPage } from '../../platform/web/layout.ts';
import { catalogJsonLd, catalogQuads, catalogTurtle, FORMATS } from './catalog.ts';
import { findDataset, formatsOf, type DatasetSpec } from './datasets.ts';
import { csvStream, datasetRows, geoJsonStream, jsonStream } from './formats.ts';
import { LICENCE_NAMES } from './licences.ts';
import { catalogInput, datasetsWithModified, fileFor, type Format } from './open-data.use-cases.ts';
import { findOpenDataSettings } from './settings.repository.ts';

const CONTENT_TYPES: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  geojson: 'application/geo+json; charset=utf-8',
};

/** Open data is for everyone: any site may read it, and it is always current (revalidated each time). */
function openHeaders(reply: FastifyReply): FastifyReply {
  return reply.header('access-control-allow-origin', '*').header('cache-control', 'no-cache');
}

const titleKey = (dataset: DatasetSpec) => `openData.dataset.${dataset.id}.title` as MessageKey;
const descriptionKey = (dataset: DatasetSpec) => `openData.dataset.${dataset.id}.description` as MessageKey;

function licenceLink(licence: string) {
  const name = licence in LICENCE_NAMES ? LICENCE_NAMES[licence as keyof typeof LICENCE_NAMES] : licence;
  return html`<a href="http://publications.europa.eu/resource/authority/licence/${licence}">${name}</a>`;
}

async function sendFile(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, name: string) {
  const file = fileFor(name);
  if (!file.ok) throw new AppError(file.code);
  const { dataset, format } = file;
  const languages = request.organisation.languages;
  const pages = datasetRows(dataset, ctx.db, request.organisation.id);
  const stream =
    format === 'csv'
      ? csvStream(dataset, pages, languages)
      : format === 'json'
        ? jsonStream(dataset, pages, languages)
        : geoJsonStream(dataset, pages, languages);
  return openHeaders(reply)
    .header('content-disposition', `inline; filename="${dataset.id}.${format}"`)
    .type(CONTENT_TYPES[format])
    .send(Readable.from(stream));
}

export function registerOpenDataPages(app: App, ctx: AppContext): void {
  app.get('/open-data', { schema: { hide: true } }, async (request, reply) => {
    const { t, organisation } = request;
    const [datasets, settings] = await Promise.all([
      datasetsWithModified(ctx, organisation),
      findOpenDataSettings(ctx.db, organisation.id),
    ]);
    const city = cityName(request);
    return renderPage(request, reply, {
      title: t('openData.title', { city }),
      description: t('openData.catalog.description', { city }),
      main: html`<h1>${t('openData.title', { city })}</h1>
<p>${t('openData.lead')}</p>
<p>${t('openData.licenceLine')} ${licenceLink(settings.licence)}</p>
<h2>${t('openData.datasets')}</h2>
<ul class="cards">
${datasets.map(
  ({ spec, modified }) => html`<li class="card">
  <h3><a href="/open-data/${spec.id}">${t(titleKey(spec))}</a></h3>
  <p>${t(descriptionKey(spec))}</p>
  <p>${modified ? t('openData.modified', { date: formatDate(request, modified, true) }) : t('openData.empty')}</p>
  <ul class="inline-list">${formatsOf(spec).map(
    (format) =>
      html`<li><a href="/open-data/${spec.id}.${format}">${t(`openData.download.${format}` as MessageKey, { title: t(titleKey(spec)) })}</a></li>`,
  )}</ul>
</li>`,
)}
</ul>
<h2>${t('openData.catalog.heading')}</h2>
<p>${t('openData.catalog.text')}</p>
<ul>
<li><a href="/open-data/catalog.ttl">${t('openData.catalog.turtle')}</a></li>
<li><a href="/open-data/catalog.jsonld">${t('openData.catalog.jsonld')}</a></li>
</ul>`,
    });
  });

  app.get('/open-data/catalog.ttl', { schema: { hide: true } }, async (request, reply) => {
    const url = (path: string) => absoluteUrl(request.server, request.organisation, path);
    const turtle = await catalogTurtle(catalogQuads(await catalogInput(ctx, request.organisation, url)));
    return openHeaders(reply).type('text/turtle; charset=utf-8').send(turtle);
  });

  app.get('/open-data/catalog.jsonld', { schema: { hide: true } }, async (request, reply) => {
    const url = (path: string) => absoluteUrl(request.server, request.organisation, path);
    const document = catalogJsonLd(catalogQuads(await catalogInput(ctx, request.organisation, url)));
    return openHeaders(reply)
      .type('application/ld+json; charset=utf-8')
      .send(JSON.stringify(document, null, 1));
  });

  app.get<{ Params: { name: string } }>('/open-data/:name', { schema: { hide: true } }, async (request, reply) => {
    const { name } = request.params;
    if (name.includes('.')) return sendFile(ctx, request, reply, name);
    const dataset = findDataset(name);
    if (!dataset) throw new AppError('OPEN_DATA_NOT_FOUND');
    return datasetPage(ctx, request, reply, dataset);
  });
}

async function datasetPage(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, dataset: DatasetSpec) {
  const { t, organisation } = request;
  const [modified, settings] = await Promise.all([
    dataset.modified(ctx.db, organisation.id),
    findOpenDataSettings(ctx.db, organisation.id),
  ]);
  const languages = organisation.languages;
  const licence = licenceLink(settings.licence);
  const title = t(titleKey(dataset));
  return renderPage(request, reply, {
    title,
    description: t(descriptionKey(dataset)),
    main: html`<p><a href="/open-data">${t('openData.back')}</a></p>
<h1>${title}</h1>
<p>${t(descriptionKey(dataset))}</p>
<p>${modified ? t('openData.modified', { date: formatDate(request, modified, true) }) : t('openData.empty')}</p>
<p>${t('openData.licenceLine')} ${licence}</p>
<h2>${t('openData.downloads')}</h2>
<ul>
${formatsOf(dataset).map((format) => {
  const address = absoluteUrl(request.server, organisation, `/open-data/${dataset.id}.${format}`);
  return html`<li><a href="/open-data/${dataset.id}.${format}">${address}</a>: ${t(`openData.format.${format}` as MessageKey)} (<code>${FORMATS[format].mediaType}</code>)</li>`;
})}
</ul>
<h2>${t('openData.fields')}</h2>
<p>${t('openData.translatedNote', { example: languages.map((language) => `name_${language}`).join(', ') })}</p>
<div class="table-wrap"><table class="data-table">
<caption>${t('openData.fieldsCaption', { title })}</caption>
<thead><tr><th scope="col">${t('openData.column.name')}</th><th scope="col">${t('openData.column.type')}</th><th scope="col">${t('openData.column.meaning')}</th><th scope="col">${t('openData.column.unit')}</th><th scope="col">${t('openData.column.licence')}</th></tr></thead>
<tbody>
${dataset.fields.map(
  (field) =>
    html`<tr><th scope="row"><code>${field.name}</code></th><td>${t(`openData.type.${field.type}` as MessageKey)}</td><td>${t(`openData.field.${field.name}` as MessageKey)}</td><td>${field.unit ? t(`openData.unit.${field.unit}` as MessageKey) : '—'}</td><td>${licence}</td></tr>`,
)}
</tbody></table></div>
${dataset.geometry ? html`<p>${t('openData.geometryNote')}</p>` : ''}`,
  });
}
