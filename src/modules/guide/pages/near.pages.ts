import { Type } from 'typebox';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { readForm } from '../../../platform/web/forms.ts';
import { html } from '../../../platform/web/html.ts';
import { renderPage } from '../../../platform/web/layout.ts';
import { nearbyPlaces } from '../guide.use-cases.ts';
import { nextCard } from '../near-rule.ts';
import { codeForm } from './places.pages.ts';
import { distance, guideAsset, plain, stylesheet } from './shared.ts';

const NearQuery = Type.Object({
  lat: Type.Optional(Type.String({ maxLength: 30 })),
  lng: Type.Optional(Type.String({ maxLength: 30 })),
});

/** A coordinate typed or sent by the page; NaN when absent or not a number. */
function coordinate(value: string | undefined): number {
  return value && /^-?\d{1,3}(\.\d{1,12})?$/.test(value.trim()) ? Number(value) : Number.NaN;
}

/**
 * The rule the page's script applies to each position fix (near-rule.ts), served from the function's own
 * source text: Node runs the TypeScript with its types erased, so this is the code the tests exercise.
 */
const NEAR_RULE_SCRIPT = `export ${nextCard.toString()}\n`;

export function registerNearPages(app: App, ctx: AppContext): void {
  app.get('/guide/near-rule.js', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(NEAR_RULE_SCRIPT),
  );

  // Without JavaScript: the plate's code, or a position typed in; with it, near.js asks for the position.
  app.get('/guide/near', { schema: { hide: true } }, async (request, reply) => {
    const { t } = request;
    const query = readForm(NearQuery, request.query);
    const lat = coordinate(query.ok ? query.value.lat : undefined);
    const lng = coordinate(query.ok ? query.value.lng : undefined);
    const asked = Number.isFinite(lat) && Number.isFinite(lng);
    const near = asked ? await nearbyPlaces(ctx, request.viewer, request.organisation, lat, lng) : [];
    return renderPage(request, reply, {
      title: t('guide.near.title'),
      description: t('guide.near.intro'),
      main: html`${stylesheet()}<h1>${t('guide.near.title')}</h1>
<p>${t('guide.near.intro')}</p>
${codeForm(request, 'near-code')}
<section class="guide-near" hidden aria-labelledby="near-live-title"
  data-rule="/guide/near-rule.js" data-asking="${t('guide.near.asking')}" data-denied="${t('guide.near.denied')}"
  data-none="${t('guide.near.none')}" data-open="${t('guide.near.open')}" data-stop="${t('guide.near.stop')}">
<h2 id="near-live-title">${t('guide.near.live')}</h2>
<button type="button" data-locate>${t('guide.near.locate')}</button>
<button type="button" data-stop-watch hidden>${t('guide.near.stop')}</button>
<div class="guide-near__card" aria-live="polite" data-card></div>
</section>
<h2>${t('guide.near.manual')}</h2>
<form method="get" action="/guide/near" class="guide-near__form">
<label for="near-lat">${t('guide.near.lat')}</label>
<input id="near-lat" name="lat" type="text" inputmode="decimal" value="${asked ? String(lat) : ''}" required>
<label for="near-lng">${t('guide.near.lng')}</label>
<input id="near-lng" name="lng" type="text" inputmode="decimal" value="${asked ? String(lng) : ''}" required>
<button type="submit">${t('guide.near.search')}</button></form>
${
  asked
    ? html`<h2>${t('guide.near.results')}</h2>${
        near.length === 0
          ? html`<p>${t('guide.near.none')}</p>`
          : html`<ol class="guide-cards">${near.map(
              (place) =>
                html`<li><a href="/guide/places/${place.id}">${plain(request, place.name)}</a> <span>${distance(request, place.metres)}</span></li>`,
            )}</ol>`
      }`
    : ''
}
<script type="module" src="${guideAsset('near.js')}"></script>`,
    });
  });

  // What near.js asks at each position fix: the nearest places with their distances (the position is not kept).
  app.get('/guide/near.json', { schema: { hide: true } }, async (request, reply) => {
    const query = readForm(NearQuery, request.query);
    const lat = coordinate(query.ok ? query.value.lat : undefined);
    const lng = coordinate(query.ok ? query.value.lng : undefined);
    const near = await nearbyPlaces(ctx, request.viewer, request.organisation, lat, lng);
    return reply.header('cache-control', 'no-store').send({
      places: near.map((place) => ({
        id: place.id,
        code: place.code,
        name: plain(request, place.name),
        metres: Math.round(place.metres),
        distance: distance(request, place.metres),
        url: `/guide/places/${place.id}`,
      })),
    });
  });
}
