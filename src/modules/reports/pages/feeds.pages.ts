import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { cityName, setNotice } from '../../../platform/web/layout.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { containsPoint, findDistricts, findDistrictsWithGeometry } from '../../places/index.ts';
import { findCategories } from '../report-categories.repository.ts';
import { findPublicHistory } from '../report-history.repository.ts';
import { findReportById, findReports, type ReportRow } from '../reports-list.repository.ts';
import { areaOfBox, parseCorners, validateArea, type SubscriptionArea } from '../subscription-area.ts';
import {
  deleteSubscription,
  findUserSubscriptions,
  subscribeNewReports,
  unsubscribeByToken,
} from '../subscriptions.repository.ts';
import { limitSubscribing, registerAreaPages } from './area.pages.ts';
import { parseBbox } from './list.pages.ts';
import { reportTitle } from './list.view.ts';
import { atomFeed, subscriptionsView, unsubscribePage, type AtomEntry } from './feeds.view.ts';
import { cityBounds } from './map.ts';
import { MapProjection } from '../../../platform/web/svg-map.ts';
import { reportIdParam } from './report.pages.ts';
import { isStatus, plain, statusLabel, notFound } from './shared.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { NewReportsSubscriptionForm, UnsubscribeForm } from '../reports.forms.ts';

function sendAtom(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(body);
}

function subscriptionsPage(request: FastifyRequest, reply: FastifyReply, ctx: AppContext) {
  return async () => {
    const { organisation } = request;
    const viewer = request.viewer;
    if (!viewer) return reply.redirect(`/sign-in?next=${encodeURIComponent('/reports/subscriptions')}`, 303);
    const [subscriptions, districts, categories, shapes] = await Promise.all([
      findUserSubscriptions(ctx.db, organisation.id, viewer.id),
      findDistricts(ctx.db, organisation.id),
      findCategories(ctx.db, organisation.id),
      findDistrictsWithGeometry(ctx.db, organisation.id),
    ]);
    const projection = new MapProjection(cityBounds(shapes, organisation.map));
    const query = request.query as Record<string, unknown>;
    const preset = {
      district: typeof query.district === 'string' ? query.district : '',
      category: typeof query.category === 'string' ? query.category : '',
      bbox: typeof query.bbox === 'string' && parseBbox(query.bbox) ? query.bbox : '',
    };
    return subscriptionsView(request, reply, { subscriptions, districts, categories, shapes, projection, preset });
  };
}

/** The area of a feed's address, validated like a subscription's; a bad one is a client error. */
function feedArea(
  text: string,
  shapes: Parameters<typeof validateArea>[1],
  center: { lat: number; lng: number },
): SubscriptionArea {
  const parsed = parseCorners(text.split(';').join('\n'));
  const outcome = parsed.invalidLines.length
    ? undefined
    : validateArea(parsed.corners, shapes, cityBounds(shapes, center));
  if (!outcome || 'error' in outcome)
    throw new AppError(
      'VALIDATION_FAILED',
      'area must be 3 to 100 corners lat,lng;lat,lng;… over the city whose edges do not cross.',
    );
  return outcome.ok;
}

/** Atom feeds, the subscriptions page, drawing an area, and the unsubscribe link of e-mails. */
export function registerFeedPages(app: App, ctx: AppContext): void {
  registerAreaPages(app, ctx);
  app.get('/reports/feed.atom', { schema: { hide: true } }, async (request, reply) => {
    const { organisation } = request;
    const query = request.query as Record<string, unknown>;
    const [districts, categories] = await Promise.all([
      findDistricts(ctx.db, organisation.id),
      findCategories(ctx.db, organisation.id, true),
    ]);
    const district = districts.find((d) => d.code === query.district);
    const category = categories.find((c) => c.code === query.category);
    const area =
      typeof query.area === 'string' && query.area
        ? feedArea(query.area, await findDistrictsWithGeometry(ctx.db, organisation.id), request.organisation.map)
        : undefined;
    // an area: its box in SQL, then the polygon itself (so more rows are read than shown)
    const found = await findReports(ctx.db, organisation.id, {
      limit: area ? 200 : 50,
      order: 'newest',
      ...(district ? { districtId: district.id } : {}),
      ...(category ? { categoryCodes: [category.code] } : {}),
      ...(area ? { bbox: area.bbox } : {}),
    });
    const reports = area
      ? found.filter((report) => containsPoint(area.polygon, report.lng, report.lat)).slice(0, 50)
      : found;
    const filters = [
      category ? plain(request, category.name) : '',
      district ? plain(request, district.name) : '',
      area ? request.t('reports.feed.area') : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const title = `${request.t('reports.feed.all', { city: cityName(request) })}${filters ? ` — ${filters}` : ''}`;
    const entry = (report: ReportRow): AtomEntry => ({
      id: absoluteUrl(request.server, request.organisation, `/reports/${report.id}`),
      title: `${reportTitle(request, report, districts)} (${statusLabel(request, report.status)})`,
      link: absoluteUrl(request.server, request.organisation, `/reports/${report.id}`),
      updated: report.updatedAt,
      published: report.createdAt,
      summary: report.description,
      category: report.categoryCode,
    });
    return sendAtom(
      reply,
      atomFeed({
        id: absoluteUrl(request.server, request.organisation, request.url),
        title,
        selfLink: absoluteUrl(request.server, request.organisation, request.url),
        htmlLink: absoluteUrl(request.server, request.organisation, '/reports'),
        updated: reports.reduce(
          (latest, report) => (report.updatedAt > latest ? report.updatedAt : latest),
          new Date(0),
        ),
        entries: reports.map(entry),
      }),
    );
  });

  app.get('/reports/:id/feed.atom', { schema: { hide: true } }, async (request, reply) => {
    const id = reportIdParam(request);
    const report = id === undefined ? undefined : await findReportById(ctx.db, request.organisation.id, id);
    if (!report) return notFound(reply);
    const [districts, history] = await Promise.all([
      findDistricts(ctx.db, request.organisation.id),
      findPublicHistory(ctx.db, request.organisation.id, report.id),
    ]);
    const link = absoluteUrl(request.server, request.organisation, `/reports/${report.id}`);
    const title = request.t('reports.feed.report', { id: report.id, title: reportTitle(request, report, districts) });
    return sendAtom(
      reply,
      atomFeed({
        id: link,
        title,
        selfLink: absoluteUrl(request.server, request.organisation, `/reports/${report.id}/feed.atom`),
        htmlLink: link,
        updated: history.at(-1)?.createdAt ?? report.updatedAt,
        entries: history
          .slice()
          .reverse()
          .map((line) => ({
            id: `${link}#update-${line.id}`,
            title:
              line.kind === 'status' && isStatus(line.statusTo)
                ? request.t('reports.page.history.status', { status: statusLabel(request, line.statusTo) })
                : request.t(
                    `reports.page.history.${line.kind === 'answer' || line.kind === 'comment' || line.kind === 'reopen' || line.kind === 'merge' || line.kind === 'created' ? line.kind : 'answer'}`,
                  ),
            link: `${link}#update-${line.id}`,
            updated: line.createdAt,
            summary: line.publicText ?? (line.kind === 'created' ? report.description : ''),
          })),
      }),
    );
  });

  app.get('/reports/subscriptions', { schema: { hide: true } }, async (request, reply) =>
    subscriptionsPage(request, reply, ctx)(),
  );

  app.post('/reports/subscriptions', { schema: { hide: true } }, async (request, reply) => {
    const viewer = request.viewer;
    if (!viewer) throw new AppError(request.sessionToken ? 'SESSION_EXPIRED' : 'AUTHENTICATION_REQUIRED');
    const [districts, categories] = await Promise.all([
      findDistricts(ctx.db, request.organisation.id),
      findCategories(ctx.db, request.organisation.id),
    ]);
    const read = readForm(NewReportsSubscriptionForm, request.body);
    if (!read.ok) throw invalidForm(read.errors);
    const form = read.value;
    const district = districts.find((d) => d.code === form.district);
    const category = categories.find((c) => c.code === form.category);
    const bbox = parseBbox(form.bbox);
    await limitSubscribing(ctx, request, viewer.id);
    await subscribeNewReports(ctx.db, request.organisation.id, viewer.id, {
      districtId: district?.id,
      categoryId: category?.id,
      area: bbox ? areaOfBox(bbox) : undefined,
    });
    setNotice(reply, 'reports.notice.subscribed');
    return reply.redirect('/reports/subscriptions', 303);
  });

  app.post('/reports/subscriptions/:id/delete', { schema: { hide: true } }, async (request, reply) => {
    const viewer = request.viewer;
    if (!viewer) throw new AppError(request.sessionToken ? 'SESSION_EXPIRED' : 'AUTHENTICATION_REQUIRED');
    const id = reportIdParam(request);
    if (id !== undefined) await deleteSubscription(ctx.db, request.organisation.id, viewer.id, id);
    setNotice(reply, 'reports.notice.unsubscribed');
    return reply.redirect('/reports/subscriptions', 303);
  });

  // the link in e-mails shows a confirmation; only the POST removes (link scanners only GET)
  app.get('/reports/unsubscribe', { schema: { hide: true } }, async (request, reply) => {
    const token = (request.query as { token?: unknown }).token;
    return unsubscribePage(request, reply, typeof token === 'string' && token ? token : undefined);
  });

  app.post('/reports/unsubscribe', { schema: { hide: true } }, async (request, reply) => {
    const form = readForm(UnsubscribeForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const removed = await unsubscribeByToken(ctx.db, request.organisation.id, form.value.token);
    if (!removed) {
      return unsubscribePage(request, reply, undefined, 404);
    }
    setNotice(reply, 'reports.notice.unsubscribed');
    return reply.redirect('/reports', 303);
  });

  // RFC 8058 one-click: the mail program POSTs `List-Unsubscribe=One-Click` to the address in the mail's
  // List-Unsubscribe header, with no cookie and no CSRF token; the token in the address is the proof
  app.post(
    '/reports/unsubscribe/one-click',
    { schema: { hide: true }, config: { csrf: false } },
    async (request, reply) => {
      const token = (request.query as { token?: unknown }).token;
      if (typeof token === 'string' && token.length > 0 && token.length <= 200)
        await unsubscribeByToken(ctx.db, request.organisation.id, token);
      // the same answer whether something was removed: the mail program shows nothing, and a token cannot be probed
      reply.header('cache-control', 'no-store');
      return reply.code(200).type('text/plain; charset=utf-8').send('');
    },
  );
  // a person opening the one-click address in a browser gets the page with the button
  app.get('/reports/unsubscribe/one-click', { schema: { hide: true } }, async (request, reply) => {
    const token = (request.query as { token?: unknown }).token;
    return unsubscribePage(request, reply, typeof token === 'string' && token ? token : undefined);
  });
}
