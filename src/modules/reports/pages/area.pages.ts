import type { FastifyReply, FastifyRequest } from 'fastify';
import { consumeRateLimit } from '../../../platform/auth/rate-limit.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { html, raw } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, renderPage, setNotice } from '../../../platform/web/layout.ts';
import { findDistrictsWithGeometry, type DistrictWithGeometry } from '../../places/index.ts';
import { findCategories } from '../report-categories.repository.ts';
import type { BoundingBox } from '../tiles.ts';
import { subscribeNewReports } from '../subscriptions.repository.ts';
import {
  cornersOfBox,
  formatCorners,
  MAX_CORNERS,
  parseCorners,
  tidyCorners,
  validateArea,
  type Corner,
} from '../subscription-area.ts';
import { parseBbox } from './list.pages.ts';
import { cityBounds, renderAreaOverlay, renderMapImage } from './map.ts';
import { MapProjection } from '../../../platform/web/svg-map.ts';
import { categoryOptions, plain, reportsAsset, stylesheet } from './shared.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { AreaDrawForm } from '../reports.forms.ts';

/** The CSS width the drawing map is shown at: a click's x/y (in these pixels) maps back to coordinates. */
export const DRAW_WIDTH = 640;
/** The drawing map for narrow screens (phones): without a script, CSS shows this one there instead. */
const DRAW_WIDTH_NARROW = 320;
/** The two drawing maps: the image button's name (its click arrives as `<name>.x`, `<name>.y`) and its width. */
const DRAW_MAPS = [
  { name: 'map', width: DRAW_WIDTH, className: 'area-draw--wide' },
  { name: 'mapsmall', width: DRAW_WIDTH_NARROW, className: 'area-draw--narrow' },
] as const;
const PATH = '/reports/subscriptions/area';

interface DrawState {
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

/** The map view around a rectangle the resident came with: the rectangle and a margin of a quarter on each side. */
function around(box: BoundingBox): BoundingBox {
  const padLat = (box.maxLat - box.minLat) / 4;
  const padLng = (box.maxLng - box.minLng) / 4;
  return {
    minLat: box.minLat - padLat,
    maxLat: box.maxLat + padLat,
    minLng: box.minLng - padLng,
    maxLng: box.maxLng + padLng,
  };
}

async function cityShapes(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<{ shapes: DistrictWithGeometry[]; bounds: BoundingBox }> {
  const shapes = await findDistrictsWithGeometry(ctx.db, request.organisation.id);
  return { shapes, bounds: cityBounds(shapes, request.organisation.map) };
}

async function renderDrawPage(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: AppContext,
  state: DrawState,
  status: number,
): Promise<FastifyReply> {
  const { t, organisation } = request;
  const categories = await findCategories(ctx.db, organisation.id);
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

function requireViewer(request: FastifyRequest): number {
  const viewer = request.viewer;
  if (!viewer) throw new AppError(request.sessionToken ? 'SESSION_EXPIRED' : 'AUTHENTICATION_REQUIRED');
  return viewer.id;
}

/** Counts a subscription made by a resident against the public-write limit (a form cannot flood the table). */
export async function limitSubscribing(ctx: AppContext, request: FastifyRequest, userId: number): Promise<void> {
  const rate = await consumeRateLimit(ctx.db, request.organisation.id, {
    key: `reports-subscribe:user:${userId}`,
    ...ctx.config.rateLimits.publicWrite,
  });
  if (!rate.allowed) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: rate.retryAfterSeconds });
}

/**
 * Drawing an area to subscribe to, without JavaScript: the form holds the corners in its text field;
 * each click on the map image posts the form with the click's x/y, and the page comes back with one
 * corner more. "Undo", "clear" and "show" post the same form. Nothing is stored until "subscribe",
 * which validates the area (see validateArea). The script area-draw.js does the same in the browser.
 */
export function registerAreaPages(app: App, ctx: AppContext): void {
  app.get(PATH, { schema: { hide: true } }, async (request, reply) => {
    if (!request.viewer) return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    const query = request.query as Record<string, unknown>;
    const { bounds } = await cityShapes(ctx, request);
    const preset = parseBbox(typeof query.bbox === 'string' ? query.bbox : '');
    const corners = preset ? cornersOfBox(preset) : [];
    const state: DrawState = {
      text: formatCorners(corners),
      corners,
      view: preset ? around(preset) : bounds,
      category: typeof query.category === 'string' ? query.category : '',
      errors: {},
      hint: '',
    };
    return renderDrawPage(request, reply, ctx, state, 200);
  });

  app.get(`${PATH}/map.svg`, { schema: { hide: true } }, async (request, reply) => {
    const { shapes, bounds } = await cityShapes(ctx, request);
    const { view: viewText } = request.query as Record<string, unknown>;
    const view = parseBbox(typeof viewText === 'string' ? viewText : '') ?? bounds;
    const body = renderMapImage(
      new MapProjection(view),
      shapes,
      (district) => plain(request, district.name),
      DRAW_WIDTH,
    );
    return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(body);
  });

  app.post(PATH, { schema: { hide: true } }, async (request, reply) => {
    const userId = requireViewer(request);
    const { t } = request;
    const form = readForm(AreaDrawForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const fields = form.value;
    const { shapes, bounds } = await cityShapes(ctx, request);
    const view = parseBbox(fields.view) ?? bounds;
    const text = fields.points;
    const category = fields.category;
    const action = fields.action;
    const parsed = parseCorners(text);
    const state: DrawState = { text, corners: parsed.corners, view, category, errors: {}, hint: '' };
    if (parsed.invalidLines.length > 0) {
      state.errors.points = `${t('reports.error.REPORT_AREA_INVALID_POINT')} ${t('reports.area.badLines', { lines: parsed.invalidLines.join(', ') })}`;
      return renderDrawPage(request, reply, ctx, state, 400);
    }
    let corners = tidyCorners(parsed.corners);
    // A click on either drawing map, in the pixels of the one clicked.
    const clicked = DRAW_MAPS.find((map) => fields[`${map.name}.x`] !== '');
    const x = clicked ? Number(fields[`${clicked.name}.x`]) : Number.NaN;
    const y = clicked ? Number(fields[`${clicked.name}.y`]) : Number.NaN;
    if (clicked && Number.isFinite(x) && Number.isFinite(y)) {
      // a keyboard activates an image button at 0,0: that is no place on the map
      if (x === 0 && y === 0) state.hint = t('reports.area.keyboardHint');
      else if (corners.length >= MAX_CORNERS) state.errors.points = t('reports.error.REPORT_AREA_TOO_MANY_POINTS');
      else {
        const projection = new MapProjection(view);
        const scale = projection.width / clicked.width;
        corners = tidyCorners([...corners, { lat: projection.lat(y * scale), lng: projection.lng(x * scale) }]);
      }
    } else if (action === 'undo') corners = corners.slice(0, -1);
    else if (action === 'clear') corners = [];
    else if (action === 'subscribe') {
      const outcome = validateArea(corners, shapes, bounds);
      if ('ok' in outcome) {
        await limitSubscribing(ctx, request, userId);
        const categories = await findCategories(ctx.db, request.organisation.id);
        const chosen = categories.find((c) => c.code === category);
        await subscribeNewReports(ctx.db, request.organisation.id, userId, {
          categoryId: chosen?.id,
          area: outcome.ok,
        });
        setNotice(reply, 'reports.notice.subscribed');
        return reply.redirect('/reports/subscriptions', 303);
      }
      state.errors.points = t(`reports.error.${outcome.error}` as MessageKey);
    }
    state.corners = corners;
    state.text = formatCorners(corners);
    return renderDrawPage(request, reply, ctx, state, Object.keys(state.errors).length ? 400 : 200);
  });
}
