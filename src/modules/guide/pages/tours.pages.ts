import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { assetUrl } from '../../../platform/web/assets.ts';
import { html, jsonForScript, type Html } from '../../../platform/web/html.ts';
import { renderPage } from '../../../platform/web/layout.ts';
import { requireId } from '../../../platform/validation.ts';
import { tourCollection, tourGpx, type ExportPlace } from '../exports.ts';
import { listTours, viewPlace, viewTour } from '../guide.use-cases.ts';
import { renderPlace } from './place.view.ts';
import {
  cityUrl,
  difficultyLabel,
  distance,
  guideAsset,
  paragraphs,
  plain,
  shortPath,
  stylesheet,
  tourId,
  translated,
} from './shared.ts';

type Tour = Awaited<ReturnType<typeof viewTour>>;

function facts(request: FastifyRequest, data: Tour): Html {
  const { t } = request;
  const { tour } = data;
  return html`<dl class="guide-facts">
<dt>${t('guide.tour.stops')}</dt><dd>${data.stops.length}</dd>
<dt>${t('guide.tour.duration')}</dt><dd>${t('guide.tour.minutes', { minutes: String(tour.duration_minutes) })}</dd>
<dt>${t('guide.tour.length')}</dt><dd>${distance(request, data.lengthMetres)}</dd>
<dt>${t('guide.tour.difficulty')}</dt><dd>${difficultyLabel(request, tour.difficulty)}</dd>
<dt>${t('guide.access.stepFree')}</dt><dd>${t(tour.step_free ? 'guide.fact.yes' : 'guide.fact.no')}</dd>
</dl>`;
}

function exportPlaces(request: FastifyRequest, data: Tour): ExportPlace[] {
  return data.stops.map((stop) => ({
    id: stop.place_id,
    code: stop.code,
    name: plain(request, stop.name),
    lat: stop.lat,
    lng: stop.lng,
    url: cityUrl(request, shortPath(stop.code)),
  }));
}

/** schema.org JSON-LD: a TouristTrip whose itinerary lists the stops in order. */
function jsonLd(request: FastifyRequest, data: Tour): Html {
  const value = {
    '@context': 'https://schema.org',
    '@type': 'TouristTrip',
    url: cityUrl(request, `/guide/tours/${data.tour.id}`),
    name: plain(request, data.tour.title),
    description: plain(request, data.tour.summary) || undefined,
    itinerary: {
      '@type': 'ItemList',
      numberOfItems: data.stops.length,
      itemListElement: data.stops.map((stop) => ({
        '@type': 'ListItem',
        position: stop.position,
        item: {
          '@type': 'TouristAttraction',
          name: plain(request, stop.name),
          url: cityUrl(request, `/guide/places/${stop.place_id}`),
          geo: { '@type': 'GeoCoordinates', latitude: stop.lat, longitude: stop.lng },
        },
      })),
    },
  };
  return html`<script type="application/ld+json">${jsonForScript(value)}</script>`;
}

/** The pages of a tour's offline pack: what its service worker keeps (stylesheets, pages, photos). */
function offlineUrls(data: Tour): string[] {
  const base = `/guide/tours/${data.tour.id}`;
  return [
    assetUrl('app.css'),
    '/theme.css',
    guideAsset('guide.css'),
    guideAsset('tour.js'),
    base,
    `${base}/print`,
    ...data.stops.map((stop) => `${base}/stops/${stop.position}`),
    ...data.photos.map((photo) => `/guide/photos/${photo.id}`),
  ];
}

/** The tour's service worker, scoped to /guide/tours/{id}: network first, the kept copy when offline. */
function serviceWorker(id: number, urls: string[]): string {
  const name = `guide-tour-${id}-`;
  const version = `${name}${Buffer.from(urls.join('\n')).toString('base64url').slice(-16)}`;
  return `'use strict';
const CACHE = ${JSON.stringify(version)};
const URLS = ${JSON.stringify(urls)};
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(URLS)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith(${JSON.stringify(name)}) && key !== CACHE).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(fetch(request).catch(() => caches.open(CACHE).then((cache) => cache.match(request))
    .then((kept) => kept || Response.error())));
});
`;
}

export function registerTourPages(app: App, ctx: AppContext): void {
  app.get('/guide/tours', { schema: { hide: true } }, async (request, reply) => {
    const { t } = request;
    const tours = await listTours(ctx, request.viewer, request.organisation);
    return renderPage(request, reply, {
      title: t('guide.tours.title'),
      main: html`${stylesheet()}<h1>${t('guide.tours.title')}</h1>
<ul class="guide-cards">${tours.map(
        ({ tour, stops, lengthMetres }) =>
          html`<li><a href="/guide/tours/${tour.id}">${translated(request, tour.title)}</a>
<span>${t('guide.tour.facts', { stops: String(stops.length), minutes: String(tour.duration_minutes), length: distance(request, lengthMetres) })}</span></li>`,
      )}</ul>`,
    });
  });

  app.get('/guide/tours/:id', { schema: { hide: true } }, async (request, reply) => {
    const { t } = request;
    const data = await viewTour(
      ctx,
      request.viewer,
      request.organisation,
      tourId((request.params as { id: string }).id),
    );
    const base = `/guide/tours/${data.tour.id}`;
    const title = plain(request, data.tour.title);
    return renderPage(request, reply, {
      title,
      description: plain(request, data.tour.summary) || title,
      scripts: [guideAsset('tour.js')],
      main: html`${stylesheet()}${jsonLd(request, data)}
<article class="guide-tour" data-tour-page="${data.tour.id}">
<h1>${translated(request, data.tour.title)}</h1>
${paragraphs(request, data.tour.summary)}
${facts(request, data)}
<p class="guide-continue" hidden data-continue="${t('guide.tour.continue')}"></p>
<h2>${t('guide.tour.stops')}</h2>
<ol class="guide-stops">${data.stops.map(
        (stop) =>
          html`<li><a href="${base}/stops/${stop.position}">${translated(request, stop.name)}</a> <span class="guide-code">${t('guide.code', { code: stop.code })}</span></li>`,
      )}</ol>
<h2>${t('guide.tour.take')}</h2>
<ul>
<li><a href="${base}/print">${t('guide.tour.print')}</a></li>
<li><a href="${base}/route.gpx" type="application/gpx+xml">${t('guide.tour.gpx')}</a></li>
<li><a href="${base}/route.geojson" type="application/geo+json">${t('guide.tour.geojson')}</a></li>
</ul>
<div class="guide-offline" hidden>
<button type="button" data-offline="${base}">${t('guide.tour.offline')}</button>
<p role="status" data-saved="${t('guide.tour.offlineSaved')}" data-failed="${t('guide.tour.offlineFailed')}"></p>
</div>
</article>`,
    });
  });

  app.get('/guide/tours/:id/stops/:position', { schema: { hide: true } }, async (request, reply) => {
    const params = request.params as { id: string; position: string };
    const data = await viewTour(ctx, request.viewer, request.organisation, tourId(params.id));
    const position = requireId(params.position, 'GUIDE_PLACE_NOT_FOUND');
    const index = data.stops.findIndex((stop) => stop.position === position);
    const stop = data.stops[index];
    if (!stop) throw new AppError('GUIDE_PLACE_NOT_FOUND');
    const place = await viewPlace(ctx, request.viewer, request.organisation, stop.place_id);
    const previous = data.stops[index - 1];
    const next = data.stops[index + 1];
    return renderPlace(request, reply, place, {
      tourId: data.tour.id,
      title: data.tour.title,
      position: index + 1,
      total: data.stops.length,
      previous: previous ? { position: previous.position, name: previous.name } : null,
      next: next ? { position: next.position, name: next.name } : null,
      note: stop.note,
    });
  });

  // The printable tour: every stop with its text, code and short address; print CSS drops the site's frame.
  app.get('/guide/tours/:id/print', { schema: { hide: true } }, async (request, reply) => {
    const { t } = request;
    const data = await viewTour(
      ctx,
      request.viewer,
      request.organisation,
      tourId((request.params as { id: string }).id),
    );
    const places = await Promise.all(
      data.stops.map((stop) => viewPlace(ctx, request.viewer, request.organisation, stop.place_id)),
    );
    const title = plain(request, data.tour.title);
    return renderPage(request, reply, {
      title: t('guide.tour.printTitle', { title }),
      main: html`${stylesheet()}<article class="guide-print">
<h1>${translated(request, data.tour.title)}</h1>
${paragraphs(request, data.tour.summary)}
${facts(request, data)}
<ol class="guide-print__stops">${data.stops.map((stop, index) => {
        const place = places[index]?.place;
        return html`<li><h2>${translated(request, stop.name)}</h2>
<p class="guide-code">${t('guide.code', { code: stop.code })} ${cityUrl(request, shortPath(stop.code))}</p>
<p><img class="guide-qr" src="${shortPath(stop.code)}/qr.svg" width="132" height="132" alt="${t('guide.qr.alt', { url: cityUrl(request, shortPath(stop.code)) })}"></p>
${place ? paragraphs(request, place.summary) : ''}
${place?.opening_hours ? html`<p>${t('guide.hours.osm')} <code>${place.opening_hours}</code></p>` : ''}</li>`;
      })}</ol></article>`,
    });
  });

  app.get('/guide/tours/:id/route.geojson', { schema: { hide: true } }, async (request, reply) => {
    const data = await viewTour(
      ctx,
      request.viewer,
      request.organisation,
      tourId((request.params as { id: string }).id),
    );
    const body = tourCollection(
      {
        id: data.tour.id,
        title: plain(request, data.tour.title),
        url: cityUrl(request, `/guide/tours/${data.tour.id}`),
      },
      exportPlaces(request, data),
    );
    return reply.type('application/geo+json; charset=utf-8').send(JSON.stringify(body));
  });

  app.get('/guide/tours/:id/route.gpx', { schema: { hide: true } }, async (request, reply) => {
    const data = await viewTour(
      ctx,
      request.viewer,
      request.organisation,
      tourId((request.params as { id: string }).id),
    );
    const gpx = tourGpx(
      {
        title: plain(request, data.tour.title),
        description: plain(request, data.tour.summary),
        url: cityUrl(request, `/guide/tours/${data.tour.id}`),
        creator: cityUrl(request, '/guide'),
        time: new Date(),
      },
      exportPlaces(request, data),
    );
    return reply
      .type('application/gpx+xml; charset=utf-8')
      .header('content-disposition', `attachment; filename="tour-${data.tour.id}.gpx"`)
      .send(gpx);
  });

  app.get('/guide/tours/:id/sw.js', { schema: { hide: true } }, async (request, reply) => {
    const data = await viewTour(
      ctx,
      request.viewer,
      request.organisation,
      tourId((request.params as { id: string }).id),
    );
    return reply
      .type('text/javascript; charset=utf-8')
      .header('service-worker-allowed', `/guide/tours/${data.tour.id}`)
      .header('cache-control', 'no-cache')
      .send(serviceWorker(data.tour.id, offlineUrls(data)));
  });
}
