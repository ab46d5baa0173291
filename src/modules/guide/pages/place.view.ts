import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/auth/users.ts';
import { LANGUAGES } from '../../../platform/i18n/languages.ts';
import { html, jsonForScript, type Html } from '../../../platform/web/html.ts';
import { csrfField, renderPage } from '../../../platform/web/layout.ts';
import type { viewPlace } from '../guide.use-cases.ts';
import { openingState } from '../opening-hours.ts';
import {
  cityUrl,
  fact,
  guideAsset,
  hasText,
  osmUrl,
  paragraphs,
  plain,
  shortPath,
  stylesheet,
  translated,
} from './shared.ts';

type PlaceData = Awaited<ReturnType<typeof viewPlace>>;
type Place = PlaceData['place'];

/** Where the stop is shown from: a tour's stop page, with the previous and next stops. */
export interface TourContext {
  tourId: number;
  title: Record<string, string>;
  position: number;
  total: number;
  previous: { position: number; name: Record<string, string> } | null;
  next: { position: number; name: Record<string, string> } | null;
  note: Record<string, string>;
}

function openingHours(request: FastifyRequest, place: Place): Html {
  if (!place.opening_hours) return html``;
  const { t } = request;
  const state = openingState(place.opening_hours, new Date(), request.organisation.timeZone);
  const now =
    state.kind === 'open'
      ? html`<p class="guide-open guide-open--yes">${state.closesAt ? t('guide.hours.openUntil', { time: state.closesAt }) : t('guide.hours.open')}</p>`
      : state.kind === 'closed'
        ? html`<p class="guide-open guide-open--no">${state.opensAt ? t('guide.hours.opensAt', { time: state.opensAt }) : t('guide.hours.closed')}</p>`
        : html``;
  return html`<h2>${t('guide.hours.title')}</h2>${now}
<p>${t('guide.hours.osm')} <code>${place.opening_hours}</code></p>`;
}

function accessibility(request: FastifyRequest, place: Place): Html {
  const { t } = request;
  return html`<h2>${t('guide.access.title')}</h2>
<dl class="guide-facts">
<dt>${t('guide.access.stepFree')}</dt><dd>${fact(request, place.step_free)}</dd>
<dt>${t('guide.access.toilet')}</dt><dd>${fact(request, place.accessible_toilet)}</dd>
<dt>${t('guide.access.seating')}</dt><dd>${fact(request, place.seating)}</dd>
<dt>${t('guide.access.quiet')}</dt><dd>${place.quiet_hours ? html`<code>${place.quiet_hours}</code>` : t('guide.fact.unknown')}</dd>
</dl>`;
}

/** schema.org JSON-LD: a TouristAttraction with its position, opening hours and accessibility features. */
function jsonLd(request: FastifyRequest, data: PlaceData): Html {
  const { place, photos } = data;
  const feature = (name: string, value: boolean | null) =>
    value === null ? [] : [{ '@type': 'LocationFeatureSpecification', name, value }];
  const osm = osmUrl(place.osm_type, place.osm_id);
  const value = {
    '@context': 'https://schema.org',
    '@type': 'TouristAttraction',
    '@id': cityUrl(request, `/guide/places/${place.id}`),
    url: cityUrl(request, `/guide/places/${place.id}`),
    name: plain(request, place.name),
    description: plain(request, place.summary) || undefined,
    inLanguage: request.lang,
    geo: { '@type': 'GeoCoordinates', latitude: place.lat, longitude: place.lng },
    image: photos.map((photo) => cityUrl(request, `/guide/photos/${photo.id}`)),
    sameAs: osm ? [osm] : undefined,
    keywords: place.categories.join(', ') || undefined,
    amenityFeature: [
      ...feature('wheelchair accessible', place.step_free),
      ...feature('accessible toilet', place.accessible_toilet),
      ...feature('seating', place.seating),
    ],
  };
  return html`<script type="application/ld+json">${jsonForScript(value)}</script>`;
}

function photosBlock(request: FastifyRequest, data: PlaceData): Html {
  if (data.photos.length === 0) return html``;
  return html`<div class="guide-photos">${data.photos.map(
    (photo) =>
      html`<figure><img src="/guide/photos/${photo.id}" alt="${plain(request, photo.alt)}" loading="lazy" width="640" height="420"></figure>`,
  )}</div>`;
}

function audioBlock(request: FastifyRequest, place: Place): Html {
  if (!place.audio_url && !hasText(place.audio_transcript)) return html``;
  const { t } = request;
  return html`<h2>${t('guide.audio.title')}</h2>
${place.audio_url ? html`<audio controls preload="none" src="${place.audio_url}"></audio>` : ''}
${hasText(place.audio_transcript) ? html`<details><summary>${t('guide.audio.transcript')}</summary>${paragraphs(request, place.audio_transcript)}</details>` : ''}`;
}

function brokenForm(request: FastifyRequest, place: Place): Html {
  const { t, viewer } = request;
  if (!place.report_category) return html``;
  const reportForm = `/reports/new?category=${encodeURIComponent(place.report_category)}&lat=${place.lat}&lng=${place.lng}&address=${encodeURIComponent(`${plain(request, place.name)} (${place.code})`)}`;
  return html`<section class="guide-broken" aria-labelledby="broken-title">
<h2 id="broken-title">${t('guide.broken.title')}</h2>
${
  viewer
    ? html`<form method="post" action="/guide/places/${place.id}/broken">${csrfField(request)}
<label for="broken-note">${t('guide.broken.note')}</label>
<textarea id="broken-note" name="note" rows="3" maxlength="1000"></textarea>
<button type="submit">${t('guide.broken.send')}</button></form>`
    : html`<p>${t('guide.broken.anonymous')}</p><p><a href="${reportForm}">${t('guide.broken.reportForm')}</a> · <a href="/sign-in?next=${encodeURIComponent(`/guide/places/${place.id}`)}">${t('guide.broken.signIn')}</a></p>`
}
</section>`;
}

function photoForm(request: FastifyRequest, place: Place): Html {
  if (!hasRole(request.viewer, 'staff')) return html``;
  const { t } = request;
  return html`<section aria-labelledby="photo-title"><h2 id="photo-title">${t('guide.photo.add')}</h2>
<form method="post" action="/guide/places/${place.id}/photos" enctype="multipart/form-data">${csrfField(request)}
<label for="photo-file">${t('guide.photo.file')}</label>
<input type="file" id="photo-file" name="photo" accept="image/jpeg,image/png,image/webp" required>
${request.organisation.languages.map(
  (
    lang,
  ) => html`<label for="photo-alt-${lang}">${t('guide.photo.alt', { language: (LANGUAGES as Record<string, { name: string } | undefined>)[lang]?.name ?? lang })}</label>
<input type="text" id="photo-alt-${lang}" name="alt_${lang}" maxlength="300" lang="${lang}">`,
)}
<button type="submit">${t('guide.photo.send')}</button></form></section>`;
}

/** The place's page, or a tour's stop page when `tour` is given (same content, with the way on). */
export function renderPlace(request: FastifyRequest, reply: FastifyReply, data: PlaceData, tour?: TourContext) {
  const { t } = request;
  const { place } = data;
  const name = plain(request, place.name);
  const osm = osmUrl(place.osm_type, place.osm_id);
  const tourBase = tour ? `/guide/tours/${tour.tourId}` : '';
  const wayOn = tour
    ? html`<nav class="guide-way" aria-label="${t('guide.tour.way')}"
  data-tour="${tour.tourId}" data-position="${tour.position}">
<p>${t('guide.tour.stopOf', { position: tour.position, total: tour.total })} · <a href="${tourBase}">${translated(request, tour.title)}</a></p>
${hasText(tour.note) ? paragraphs(request, tour.note) : ''}
<ul>
${tour.previous ? html`<li><a rel="prev" href="${tourBase}/stops/${tour.previous.position}">${t('guide.tour.previous')}: ${translated(request, tour.previous.name)}</a></li>` : ''}
${tour.next ? html`<li><a rel="next" href="${tourBase}/stops/${tour.next.position}">${t('guide.tour.next')}: ${translated(request, tour.next.name)}</a></li>` : html`<li>${t('guide.tour.last')}</li>`}
</ul></nav>`
    : html``;
  const main = html`${stylesheet()}${jsonLd(request, data)}
<article class="guide-place">
<h1>${translated(request, place.name)}</h1>
${wayOn}
${place.categories.length > 0 ? html`<ul class="guide-tags" aria-label="${t('guide.categories')}">${place.categories.map((category) => html`<li>${category}</li>`)}</ul>` : ''}
${photosBlock(request, data)}
${hasText(place.summary) ? html`<p class="guide-lead">${translated(request, place.summary)}</p>` : ''}
${paragraphs(request, place.body)}
${hasText(place.easy_read) ? html`<details class="guide-easy"><summary>${t('guide.easyRead')}</summary>${paragraphs(request, place.easy_read)}</details>` : ''}
${audioBlock(request, place)}
${openingHours(request, place)}
${accessibility(request, place)}
<h2>${t('guide.where')}</h2>
<p><a href="geo:${place.lat},${place.lng}">${place.lat.toFixed(5)}, ${place.lng.toFixed(5)}</a>${osm ? html` · <a href="${osm}">${t('guide.osm')}</a>` : ''}</p>
<p class="guide-code">${t('guide.code', { code: place.code })} <a href="${shortPath(place.code)}">${cityUrl(request, shortPath(place.code))}</a></p>
<p><img class="guide-qr" src="${shortPath(place.code)}/qr.svg" width="132" height="132" alt="${t('guide.qr.alt', { url: cityUrl(request, shortPath(place.code)) })}"></p>
${
  !tour && data.tours.length > 0
    ? html`<h2>${t('guide.tours.ofPlace')}</h2><ul>${data.tours.map(
        (entry) =>
          html`<li><a href="/guide/tours/${entry.id}/stops/${entry.position}">${translated(request, entry.title)}</a> (${t('guide.tour.stopNumber', { position: entry.position })})</li>`,
      )}</ul>`
    : ''
}
${brokenForm(request, place)}
${photoForm(request, place)}
</article>`;
  return renderPage(request, reply, {
    title: name,
    description: plain(request, place.summary) || name,
    main,
    ogType: 'article',
    ...(tour ? { scripts: [guideAsset('tour.js')] } : {}),
  });
}
