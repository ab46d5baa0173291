import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { wantsJson } from '../../../platform/http/errors.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { html } from '../../../platform/web/html.ts';
import { renderPage, setNotice } from '../../../platform/web/layout.ts';
import { MAX_PHOTO_BYTES } from '../../reports/index.ts';
import { BrokenForm, CodeQuery } from '../guide.forms.ts';
import { requireId } from '../../../platform/validation.ts';
import {
  PLACES_PAGE,
  addPlacePhoto,
  listPlaces,
  listTours,
  photoFile,
  placeForCode,
  reportBrokenPlate,
  viewPlace,
} from '../guide.use-cases.ts';
import { placesCollection } from '../exports.ts';
import { renderPlace } from './place.view.ts';
import { cityUrl, distance, fact, osmUrl, placeId, plain, shortPath, stylesheet, translated } from './shared.ts';

/** The short-code form, on the guide's home and the "near me" page: works without JavaScript (GET /g). */
export function codeForm(request: FastifyRequest, id = 'plate-code') {
  const { t } = request;
  return html`<form method="get" action="/g" class="guide-code-form">
<label for="${id}">${t('guide.codeForm.label')}</label>
<input id="${id}" name="code" type="text" inputmode="text" autocapitalize="characters" autocomplete="off" maxlength="20" required>
<button type="submit">${t('guide.codeForm.open')}</button></form>`;
}

const PHOTO_ERROR: Record<string, MessageKey> = {
  GUIDE_ALT_REQUIRED: 'guide.photo.altRequired',
  PHOTO_NOT_IMAGE: 'guide.photo.notImage',
  PHOTO_TOO_LARGE: 'guide.photo.tooLarge',
  PHOTO_TOO_MANY_PIXELS: 'guide.photo.tooLarge',
};

interface FilePart {
  kind: 'file';
  data: Buffer;
  truncated: boolean;
}

function filePart(value: unknown): FilePart | undefined {
  const part = (Array.isArray(value) ? value[0] : value) as Partial<FilePart> | undefined;
  return part && part.kind === 'file' && Buffer.isBuffer(part.data) ? (part as FilePart) : undefined;
}

export async function registerPlacePages(app: App, ctx: AppContext): Promise<void> {
  app.get('/guide', { schema: { hide: true } }, async (request, reply) => {
    const { t } = request;
    const [{ places }, tours] = await Promise.all([
      listPlaces(ctx, request.viewer, request.organisation),
      listTours(ctx, request.viewer, request.organisation),
    ]);
    return renderPage(request, reply, {
      title: t('guide.title'),
      description: t('guide.lead'),
      feeds: [{ type: 'text/calendar', href: '/guide/events.ics', title: t('guide.events.feed') }],
      main: html`${stylesheet()}<h1>${t('guide.title')}</h1>
<p class="guide-lead">${t('guide.lead')}</p>
${codeForm(request)}
<p><a class="button" href="/guide/near">${t('guide.near.title')}</a></p>
<h2>${t('guide.tours.title')}</h2>
<ul class="guide-cards">${tours.map(
        ({ tour, stops, lengthMetres }) =>
          html`<li><a href="/guide/tours/${tour.id}">${translated(request, tour.title)}</a>
<span>${t('guide.tour.facts', { stops: String(stops.length), minutes: String(tour.duration_minutes), length: distance(request, lengthMetres) })}</span></li>`,
      )}</ul>
<h2>${t('guide.places.title')}</h2>
<ul class="guide-cards">${places.map(
        (place) =>
          html`<li><a href="/guide/places/${place.id}">${translated(request, place.name)}</a>
<span>${place.categories.join(', ')}${place.step_free ? html` · ${t('guide.access.stepFree')}: ${fact(request, true)}` : ''}</span></li>`,
      )}</ul>
<h2>${t('guide.data.title')}</h2>
<ul><li><a href="/guide/places.geojson">${t('guide.data.geojson')}</a></li>
<li><a href="/guide/events.ics">${t('guide.events.feed')}</a></li>
<li><a href="/open-data/guide-places">${t('guide.data.openData')}</a></li></ul>`,
    });
  });

  app.get('/guide/places/:id', { schema: { hide: true } }, async (request, reply) => {
    const data = await viewPlace(
      ctx,
      request.viewer,
      request.organisation,
      placeId((request.params as { id: string }).id),
    );
    return renderPlace(request, reply, data);
  });

  // RFC 7946 GeoJSON of every place, written page by page (keyset) so a large guide is never held at once.
  app.get('/guide/places.geojson', { schema: { hide: true } }, async (request, reply) => {
    const features: unknown[] = [];
    for (let after = 0; ;) {
      const { places } = await listPlaces(ctx, request.viewer, request.organisation, after);
      for (const place of places)
        features.push(
          placesCollection([
            {
              id: place.id,
              code: place.code,
              name: plain(request, place.name),
              lat: place.lat,
              lng: place.lng,
              url: cityUrl(request, `/guide/places/${place.id}`),
              categories: place.categories,
              openingHours: place.opening_hours,
              osm: osmUrl(place.osm_type, place.osm_id),
            },
          ]).features[0],
        );
      const last = places.at(-1);
      if (!last || places.length < PLACES_PAGE) break;
      after = last.id;
    }
    return reply
      .type('application/geo+json; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(JSON.stringify({ type: 'FeatureCollection', features }));
  });

  app.get('/guide/photos/:id', { schema: { hide: true } }, async (request, reply) => {
    const photo = await photoFile(
      ctx,
      request.viewer,
      request.organisation,
      requireId((request.params as { id: string }).id, 'NOT_FOUND'),
    );
    return reply
      .type(photo.content_type)
      .header('cache-control', 'public, max-age=86400')
      .send(Buffer.from(photo.data));
  });

  // The plate's short code: /g/AB12 (the QR code's address) and /g?code=ab12 (the form) open the stop.
  app.get('/g/:code', { schema: { hide: true } }, async (request, reply) => {
    const id = await placeForCode(ctx, request.viewer, request.organisation, (request.params as { code: string }).code);
    return reply.redirect(`/guide/places/${id}`, 303);
  });
  // The plate's QR code, as printed on site and shown on the stop's page: it opens /g/AB12 on the city's address.
  app.get('/g/:code/qr.svg', { schema: { hide: true } }, async (request, reply) => {
    const code = (request.params as { code: string }).code;
    await placeForCode(ctx, request.viewer, request.organisation, code);
    const svg = await QRCode.toString(cityUrl(request, shortPath(code.toUpperCase())), {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 2,
    });
    return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'public, max-age=86400').send(svg);
  });
  app.get('/g', { schema: { hide: true } }, async (request, reply) => {
    const query = readForm(CodeQuery, request.query);
    if (!query.ok) throw invalidForm(query.errors);
    const id = await placeForCode(ctx, request.viewer, request.organisation, query.value.code);
    return reply.redirect(`/guide/places/${id}`, 303);
  });

  app.post('/guide/places/:id/broken', { schema: { hide: true } }, async (request, reply) => {
    const id = placeId((request.params as { id: string }).id);
    const form = readForm(BrokenForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const data = await viewPlace(ctx, request.viewer, request.organisation, id);
    const { t } = request;
    const description = t('guide.broken.description', {
      code: data.place.code,
      name: plain(request, data.place.name),
      note: form.value.note.trim() || t('guide.broken.noNote'),
    });
    const outcome = await reportBrokenPlate(ctx, request.viewer, request.organisation, id, description);
    if (!outcome.ok) throw new AppError(outcome.code);
    setNotice(reply, 'guide.broken.sent');
    return reply.redirect(`/reports/${outcome.reportId}`, 303);
  });

  // Staff add photos (multipart): checked and stripped of metadata by reports' preparePhoto.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_PHOTO_BYTES + 1, files: 1, fields: 40, fieldSize: 4096, parts: 50 },
      throwFileSizeLimit: false,
      async onFile(part: MultipartFile) {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        const value: FilePart = { kind: 'file', data: Buffer.concat(chunks), truncated: part.file.truncated };
        (part as unknown as { value: FilePart }).value = value;
      },
    });
    scope.post('/guide/places/:id/photos', { schema: { hide: true } }, async (request, reply) => {
      const id = placeId((request.params as { id: string }).id);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const file = filePart(body.photo);
      const alt: Record<string, string> = {};
      for (const lang of request.organisation.languages) {
        const value = body[`alt_${lang}`];
        if (typeof value === 'string') alt[lang] = value.slice(0, 300);
      }
      const outcome = await addPlacePhoto(
        ctx,
        request.viewer,
        request.organisation,
        id,
        file ?? { data: Buffer.alloc(0), truncated: false },
        alt,
      );
      if (!outcome.ok) {
        if (wantsJson(request)) throw new AppError(outcome.code);
        const { t } = request;
        return renderPage(request, reply, {
          title: t('guide.photo.add'),
          noIndex: true,
          status: 400,
          main: html`<h1>${t('guide.photo.add')}</h1><p role="alert">${t(PHOTO_ERROR[outcome.code] ?? 'guide.photo.notImage')}</p>
<p><a href="/guide/places/${id}">${t('guide.back')}</a></p>`,
        });
      }
      setNotice(reply, 'guide.photo.added');
      return reply.redirect(`/guide/places/${id}`, 303);
    });
  });
}
