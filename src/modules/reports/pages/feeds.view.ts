import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, renderPage } from '../../../platform/web/layout.ts';
import type { MapProjection } from '../../../platform/web/svg-map.ts';
import type { findDistrictsWithGeometry } from '../../places/index.ts';
import type { District } from '../../places/index.ts';
import type { Category } from '../report-categories.repository.ts';
import { cornersOfArea, type Corner } from '../subscription-area.ts';
import type { findUserSubscriptions } from '../subscriptions.repository.ts';
import { renderAreaThumbnail } from './map.ts';
import { escapeXml } from '../../../platform/web/xml.ts';
import { categoryOptions, plain, stylesheet } from './shared.ts';

/** An area in a feed's address: `lat,lng;lat,lng;…` (the corners, in order). */
export function areaQuery(corners: Corner[]): string {
  return corners.map((corner) => `${corner.lat},${corner.lng}`).join(';');
}

/** The subscriptions page: what one follows, and the form to follow new reports. */
export function subscriptionsView(
  request: FastifyRequest,
  reply: FastifyReply,
  data: {
    subscriptions: Awaited<ReturnType<typeof findUserSubscriptions>>;
    districts: District[];
    categories: Category[];
    shapes: Awaited<ReturnType<typeof findDistrictsWithGeometry>>;
    projection: MapProjection;
    preset: { district: string; category: string; bbox: string };
  },
) {
  const { t } = request;
  const { subscriptions, districts, categories, shapes, projection, preset } = data;
  const describe = (subscription: (typeof subscriptions)[number]): Html => {
    if (subscription.kind === 'report')
      return html`<a href="/reports/${subscription.reportId}">${t('reports.subscriptions.report', { id: subscription.reportId ?? 0 })}</a>`;
    const district = districts.find((d) => d.id === subscription.districtId);
    const category = categories.find((c) => c.id === subscription.categoryId);
    const parts = [
      category ? plain(request, category.name) : '',
      district ? plain(request, district.name) : '',
      subscription.hasArea ? t('reports.subscriptions.inArea') : '',
    ].filter(Boolean);
    const corners = subscription.area ? cornersOfArea(subscription.area) : [];
    const feed = new URLSearchParams({ area: areaQuery(corners), ...(category ? { category: category.code } : {}) });
    return html`${t('reports.subscriptions.newReports')}: ${parts.length ? parts.join(' · ') : t('reports.subscriptions.everywhere')}${
      subscription.area
        ? html`${renderAreaThumbnail(projection, shapes, corners, t('reports.subscriptions.areaShape', { count: corners.length }))}<a href="/reports/feed.atom?${feed.toString()}">${t('reports.subscriptions.areaFeed')}</a> · `
        : ''
    }`;
  };
  return renderPage(request, reply, {
    title: t('reports.subscriptions.title'),
    noIndex: true,
    main: html`${stylesheet()}
<h1>${t('reports.subscriptions.title')}</h1>
<p>${t('reports.subscriptions.lead')}</p>
${
  subscriptions.length === 0
    ? html`<p>${t('reports.subscriptions.none')}</p>`
    : html`<ul class="report-list">${subscriptions.map(
        (subscription) => html`<li class="report-card">${describe(subscription)}
  <form method="post" action="/reports/subscriptions/${subscription.id}/delete" class="inline-form">${csrfField(request)}<button type="submit" class="link-button">${t('reports.subscriptions.remove')}<span class="visually-hidden">: ${subscription.kind === 'report' ? `#${subscription.reportId}` : t('reports.subscriptions.newReports')}</span></button></form></li>`,
      )}</ul>`
}
<h2>${t('reports.subscriptions.add')}</h2>
<p><a href="/reports/subscriptions/area${preset.bbox ? `?bbox=${encodeURIComponent(preset.bbox)}` : ''}">${t('reports.subscriptions.draw')}</a></p>
<form method="post" action="/reports/subscriptions" class="stack">
  ${csrfField(request)}
  <div class="field"><label for="district">${t('reports.filter.district')}</label><select id="district" name="district"><option value="">${t('reports.filter.any')}</option>${districts
    .filter((d) => d.kind === 'district')
    .map(
      (d) =>
        html`<option value="${d.code}"${d.code === preset.district ? raw(' selected') : ''}>${plain(request, d.name)}</option>`,
    )}</select></div>
  <div class="field"><label for="category">${t('reports.filter.category')}</label><select id="category" name="category"><option value="">${t('reports.filter.any')}</option>${categoryOptions(request, categories, preset.category)}</select></div>
  ${preset.bbox ? html`<div class="checkbox"><input type="checkbox" id="bbox" name="bbox" value="${preset.bbox}" checked><label for="bbox">${t('reports.subscriptions.area')}</label></div>` : ''}
  <button type="submit" class="button">${t('reports.subscriptions.submit')}</button>
</form>`,
  });
}

export interface AtomEntry {
  id: string;
  title: string;
  link: string;
  updated: Date;
  published?: Date;
  summary: string;
  category?: string;
}

/** An Atom 1.0 document (RFC 4287): every text escaped, dates in RFC 3339. */
export function atomFeed(feed: {
  id: string;
  title: string;
  selfLink: string;
  htmlLink: string;
  updated: Date;
  entries: AtomEntry[];
}): string {
  const entry = (item: AtomEntry) => `  <entry>
    <id>${escapeXml(item.id)}</id>
    <title>${escapeXml(item.title)}</title>
    <link rel="alternate" type="text/html" href="${escapeXml(item.link)}"/>
    <updated>${item.updated.toISOString()}</updated>
${item.published ? `    <published>${item.published.toISOString()}</published>\n` : ''}${item.category ? `    <category term="${escapeXml(item.category)}"/>\n` : ''}    <summary type="text">${escapeXml(item.summary)}</summary>
  </entry>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(feed.id)}</id>
  <title>${escapeXml(feed.title)}</title>
  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.selfLink)}"/>
  <link rel="alternate" type="text/html" href="${escapeXml(feed.htmlLink)}"/>
  <updated>${feed.updated.toISOString()}</updated>
  <author><name>${escapeXml(feed.title)}</name></author>
${feed.entries.map(entry).join('\n')}
</feed>
`;
}

/**
 * The page of the unsubscribe link in e-mails: with a token, a confirmation whose button removes the
 * subscription (link scanners only GET); without one, or after a refused removal, the link is invalid.
 */
export function unsubscribePage(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
  status = 200,
): FastifyReply {
  const { t } = request;
  return renderPage(request, reply, {
    title: t('reports.unsubscribe.title'),
    status,
    noIndex: true,
    main: html`<h1>${t('reports.unsubscribe.title')}</h1>
${
  token
    ? html`<p>${t('reports.unsubscribe.confirm')}</p><form method="post" action="/reports/unsubscribe">${csrfField(request)}<input type="hidden" name="token" value="${token}"><button type="submit" class="button">${t('reports.unsubscribe.submit')}</button></form>`
    : html`<p>${t('reports.unsubscribe.invalid')}</p>`
}`,
  });
}
