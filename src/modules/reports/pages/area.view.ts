import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, renderPage } from '../../../platform/web/layout.ts';
import { MapProjection } from '../../../platform/web/svg-map.ts';
import type { Category } from '../report-categories.repository.ts';
import { MAX_CORNERS, type Corner } from '../subscription-area.ts';
import type { BoundingBox } from '../tiles.ts';
import { renderAreaOverlay } from './map.ts';
import { categoryOptions, reportsAsset, stylesheet } from './shared.ts';

/** The CSS width the drawing map is shown at: a click's x/y (in these pixels) maps back to coordinates. */
export const DRAW_WIDTH = 640;
/** The drawing map for narrow screens (phones): without a script, CSS shows this one there instead. */
const DRAW_WIDTH_NARROW = 320;
/** The two drawing maps: the image button's name (its click arrives as `<name>.x`, `<name>.y`) and its width. */
export const DRAW_MAPS = [
  { name: 'map', width: DRAW_WIDTH, className: 'area-draw--wide' },
  { name: 'mapsmall', width: DRAW_WIDTH_NARROW, className: 'area-draw--narrow' },
] as const;
export const PATH = '/reports/subscriptions/area';

/** The drawing form as it is shown: the corners so far, the map's view, the category, errors and a hint. */
export interface DrawState {
  /** The corners field as it will be shown: what was typed when it could not be read, else the corners. */
  text: string;
  corners: Corner[];
  view: BoundingBox;
  category: string;
  errors: Record<string, string>;
  hint: string;
}

function boxText(box: BoundingBox): string {
  return [box.minLng, box.minLat, box.maxLng, box.maxLat].map((value) => Math.round(value * 1e6) / 1e6).join(',');
}

/** The page for drawing an area to subscribe to (see registerAreaPages in area.pages.ts). */
export function drawPage(
  request: FastifyRequest,
  reply: FastifyReply,
  state: DrawState,
  categories: Category[],
  status: number,
): FastifyReply {
  const { t, organisation } = request;
  const projection = new MapProjection(state.view);
  const { bbox } = projection;
  const image = `${PATH}/map.svg?view=${encodeURIComponent(boxText(state.view))}&lang=${request.lang}`;
  const example = `${Math.round(organisation.map.lat * 1e4) / 1e4}, ${Math.round(organisation.map.lng * 1e4) / 1e4}`;
  const error = state.errors.points;
  return renderPage(request, reply, {
    title: t('reports.area.title'),
    noIndex: true,
    status,
    scripts: [reportsAsset('area-draw.js')],
    main: html`${stylesheet()}
<h1>${t('reports.area.title')}</h1>
<p>${t('reports.area.lead')}</p>
${errorSummary(request, state.errors)}
<form method="post" action="${PATH}" class="area-form" data-area-form>
  ${csrfField(request)}
  <input type="hidden" name="view" value="${boxText(state.view)}">
  ${DRAW_MAPS.map(
    (map) => html`<div class="area-draw ${map.className}">
      <input type="image" name="${map.name}" class="area-draw__map" src="${image}" width="${map.width}" height="${Math.round((projection.height * map.width) / projection.width)}" alt="${t('reports.area.mapAlt')}"
        data-min-lat="${bbox.minLat}" data-max-lat="${bbox.maxLat}" data-min-lng="${bbox.minLng}" data-max-lng="${bbox.maxLng}" data-width="${projection.width}" data-height="${projection.height}">
      ${renderAreaOverlay(projection, state.corners, map.width)}
    </div>`,
  )}
  ${state.hint ? html`<p class="area-form__hint" role="status">${state.hint}</p>` : ''}
  <p class="area-form__count" aria-live="polite" data-template="${t('reports.area.count', { corners: '{count}' })}">${t('reports.area.count', { corners: state.corners.length })}</p>
  <div class="area-form__actions">
    <button type="submit" name="action" value="undo" class="button button--secondary" data-area-undo>${t('reports.area.undo')}</button>
    <button type="submit" name="action" value="clear" class="button button--secondary" data-area-clear>${t('reports.area.clear')}</button>
  </div>
  <div class="field${error ? ' field--error' : ''}">
    <label for="points">${t('reports.area.points')}</label>
    <p class="field__hint" id="points-hint">${t('reports.area.pointsHint', { example, max: MAX_CORNERS })}</p>
    ${error ? html`<p class="field__error" id="points-error">${error}</p>` : ''}
    <textarea id="points" name="points" rows="8" spellcheck="false" autocomplete="off" aria-describedby="points-hint${error ? ' points-error' : ''}"${error ? raw(' aria-invalid="true"') : ''}>${state.text}</textarea>
  </div>
  <p><button type="submit" name="action" value="show" class="button button--secondary" data-area-show>${t('reports.area.show')}</button></p>
  <div class="field"><label for="category">${t('reports.filter.category')}</label><select id="category" name="category"><option value="">${t('reports.filter.any')}</option>${categoryOptions(request, categories, state.category)}</select></div>
  <p><button type="submit" name="action" value="subscribe" class="button">${t('reports.area.submit')}</button></p>
</form>
<p><a href="/reports/subscriptions">${t('reports.subscriptions.title')}</a></p>`,
  });
}
