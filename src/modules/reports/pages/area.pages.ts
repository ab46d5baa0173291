import type { FastifyRequest } from 'fastify';
import { consumeRateLimit } from '../../../platform/auth/rate-limit.ts';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import type { MessageKey } from '../../../platform/i18n/translate.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { setNotice } from '../../../platform/web/layout.ts';
import { MapProjection } from '../../../platform/web/svg-map.ts';
import { findDistrictsWithGeometry, type DistrictWithGeometry } from '../../places/index.ts';
import { findCategories } from '../report-categories.repository.ts';
import { AreaDrawForm } from '../reports.forms.ts';
import {
  cornersOfBox,
  formatCorners,
  MAX_CORNERS,
  parseCorners,
  tidyCorners,
  validateArea,
} from '../subscription-area.ts';
import { subscribeNewReports } from '../subscriptions.repository.ts';
import type { BoundingBox } from '../tiles.ts';
import { DRAW_MAPS, DRAW_WIDTH, drawPage, PATH, type DrawState } from './area.view.ts';
import { parseBbox } from './list.pages.ts';
import { cityBounds, renderMapImage } from './map.ts';
import { plain } from './shared.ts';

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
    return drawPage(request, reply, state, await findCategories(ctx.db, request.organisation.id), 200);
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
      return drawPage(request, reply, state, await findCategories(ctx.db, request.organisation.id), 400);
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
    const categories = await findCategories(ctx.db, request.organisation.id);
    return drawPage(request, reply, state, categories, Object.keys(state.errors).length ? 400 : 200);
  });
}
