import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, renderPage } from '../../../platform/web/layout.ts';
import { MapProjection } from '../../../platform/web/svg-map.ts';
import type { District, DistrictWithGeometry } from '../../places/index.ts';
import type { StoredPhoto } from '../photos.repository.ts';
import type { Question } from '../report-categories.repository.ts';
import type { HistoryLine } from '../report-history.repository.ts';
import type { ReportRow } from '../reports-list.repository.ts';
import { reportTitle } from './list.view.ts';
import { cityBounds, renderMap } from './map.ts';
import { excerpt, isStatus, plain, reportsAsset, statusLabel, statusMeaning, statusTag, stylesheet } from './shared.ts';

function historyLine(request: FastifyRequest, line: HistoryLine): Html {
  const { t } = request;
  const what =
    line.kind === 'created'
      ? t('reports.page.history.created')
      : line.kind === 'status' && isStatus(line.statusTo)
        ? t('reports.page.history.status', { status: statusLabel(request, line.statusTo) })
        : line.kind === 'reopen'
          ? t('reports.page.history.reopen')
          : line.kind === 'merge'
            ? t('reports.page.history.merge')
            : line.kind === 'comment'
              ? t('reports.page.history.comment')
              : t('reports.page.history.answer');
  const who = line.byStaff ? t('reports.page.history.byStaff') : '';
  return html`<li>
  <p><time datetime="${line.createdAt.toISOString()}">${formatDate(request, line.createdAt, true)}</time> — <strong>${what}</strong>${who ? html` <span class="muted">(${who})</span>` : ''}</p>
  ${line.publicText ? html`<blockquote>${line.publicText}</blockquote>` : ''}
</li>`;
}

/** The update form as sent, kept when it is shown again with its errors. */
export interface UpdateState {
  text: string;
  stillThere: boolean;
  errors: Record<string, string>;
}

/** What the public page of a report shows besides the report, read by the route (report.pages.ts). */
export interface ReportPageData {
  districts: District[];
  shapes: DistrictWithGeometry[];
  history: HistoryLine[];
  photos: StoredPhoto[];
  questions: Question[];
  followers: number;
  /** Whether the viewer follows the report (false when signed out). */
  following: boolean;
  /** Other modules' blocks about the report (platform/web/subject-sections.ts). */
  subjectSections: Html;
}

/** The public page of a report: facts, answers, map, photos, history, following, and the update form. */
export function reportView(
  request: FastifyRequest,
  reply: FastifyReply,
  report: ReportRow,
  data: ReportPageData,
  update: UpdateState = { text: '', stillThere: false, errors: {} },
  status = 200,
): FastifyReply {
  const { t, organisation, viewer } = request;
  const { districts, shapes, history, photos, questions, followers, following, subjectSections } = data;
  const district = districts.find((d) => d.id === report.districtId);
  const title = reportTitle(request, report, districts);
  // a small map around the report: its district, or 600 m around it
  const shape = shapes.find((s) => s.id === report.districtId);
  const around = {
    minLat: report.lat - 0.0055,
    maxLat: report.lat + 0.0055,
    minLng: report.lng - 0.008,
    maxLng: report.lng + 0.008,
  };
  const projection = new MapProjection(shape ? cityBounds([shape], organisation.map) : around);
  const answered = questions.filter((q) => report.answers[q.code] !== undefined && report.answers[q.code] !== '');
  const answerText = (code: string, value: string | string[]) => {
    const question = questions.find((q) => q.code === code);
    const values = Array.isArray(value) ? value : [value];
    return values.map((v) => plain(request, question?.options.find((o) => o.key === v)?.name) || v).join(', ');
  };
  const errors = update.errors;

  const main = html`${stylesheet()}
<article aria-labelledby="report-title">
<p><a href="/reports">← ${t('reports.page.back')}</a></p>
<h1 id="report-title">${title} <span class="muted">#${report.id}</span></h1>
<p>${statusTag(request, report.status)} ${statusMeaning(request, report.status)}</p>
${report.duplicateOfId ? html`<p><a href="/reports/${report.duplicateOfId}">${t('reports.page.duplicateOf', { id: report.duplicateOfId })}</a></p>` : ''}
<dl class="report-facts">
  <dt>${t('reports.page.category')}</dt><dd>${plain(request, report.categoryName)}</dd>
  <dt>${t('reports.page.status')}</dt><dd>${statusLabel(request, report.status)}</dd>
  <dt>${t('reports.page.department')}</dt><dd>${report.departmentName ? plain(request, report.departmentName) : t('reports.page.noDepartment')}</dd>
  ${district ? html`<dt>${t('reports.page.district')}</dt><dd>${plain(request, district.name)}</dd>` : ''}
  <dt>${t('reports.page.place')}</dt><dd>${report.address ? html`${report.address}<br>` : ''}${t('reports.page.coordinates', { lat: report.lat.toFixed(5), lng: report.lng.toFixed(5) })}</dd>
  <dt>${t('reports.page.reported')}</dt><dd><time datetime="${report.createdAt.toISOString()}">${formatDate(request, report.createdAt, true)}</time></dd>
  ${report.isOpen && report.deadlineAt ? html`<dt>${t('reports.page.deadline')}</dt><dd><time datetime="${report.deadlineAt.toISOString()}">${formatDate(request, report.deadlineAt)}</time></dd>` : ''}
  <dt>${t('reports.page.by')}</dt><dd>${report.showName && report.authorName ? report.authorName : t('reports.page.anonymous')}</dd>
</dl>
<p class="report-description">${report.description}</p>
${answered.length ? html`<h2>${t('reports.page.answers')}</h2><dl class="report-facts">${answered.map((q) => html`<dt>${plain(request, q.label)}</dt><dd>${answerText(q.code, report.answers[q.code] as string | string[])}</dd>`)}</dl>` : ''}
${renderMap({ projection, districts: shape ? [shape] : [], districtLabel: (d) => plain(request, d.name), title: t('reports.map.title'), description: t('reports.page.coordinates', { lat: report.lat.toFixed(5), lng: report.lng.toFixed(5) }), marker: { lat: report.lat, lng: report.lng }, mode: 'static' })}
${photos.length ? html`<h2>${t('reports.page.photos')}</h2><ul class="report-photos">${photos.map((photo, index) => html`<li><a href="/reports/${report.id}/photos/${photo.id}"><img src="/reports/${report.id}/photos/${photo.id}" alt="${t('reports.page.photoAlt', { n: index + 1 })}" loading="lazy"></a></li>`)}</ul>` : ''}
<h2>${t('reports.page.history')}</h2>
<ol class="report-history">${history.map((line) => historyLine(request, line))}</ol>
</article>

<section aria-labelledby="follow-title">
  <h2 id="follow-title" class="visually-hidden">${t('reports.page.follow')}</h2>
  <p>${t('reports.page.followers', { count: followers })}</p>
  ${
    viewer
      ? html`<form method="post" action="/reports/${report.id}/${following ? 'unfollow' : 'follow'}">${csrfField(request)}<button type="submit" class="button button--secondary">${following ? t('reports.page.unfollow') : t('reports.page.follow')}</button></form>`
      : html`<p><a href="/sign-in?next=${encodeURIComponent(`/reports/${report.id}`)}">${t('reports.page.followSignIn')}</a></p>`
  }
  <p><a href="/reports/${report.id}/feed.atom">${t('reports.page.feed')}</a></p>
</section>

<section aria-labelledby="update-title">
  <h2 id="update-title">${t('reports.update.title')}</h2>
  ${
    viewer
      ? html`${errorSummary(request, errors)}
  <p>${t('reports.update.lead')}</p>
  <form method="post" action="/reports/${report.id}/updates" enctype="multipart/form-data" class="stack" novalidate>
    ${csrfField(request)}
    <div class="field${errors.text ? ' field--error' : ''}">
      <label for="text">${t('reports.update.text')}</label>
      ${errors.text ? html`<p class="field__error" id="text-error">${errors.text}</p>` : ''}
      <textarea id="text" name="text" maxlength="2000"${errors.text ? raw(' aria-invalid="true" aria-describedby="text-error"') : ''}>${update.text}</textarea>
    </div>
    ${
      report.isOpen
        ? ''
        : html`<div class="checkbox"><input type="checkbox" id="stillThere" name="stillThere" value="yes" aria-describedby="stillThere-hint"${update.stillThere ? raw(' checked') : ''}><label for="stillThere">${t('reports.update.stillThere')}</label></div>
    <p class="field__hint" id="stillThere-hint">${t('reports.update.stillThere.hint')}</p>`
    }
    <div class="field${errors.photos ? ' field--error' : ''}">
      <label for="photos">${t('reports.update.photos')}</label>
      <p class="field__hint" id="photos-hint">${t('reports.new.photos.hint')}</p>
      ${errors.photos ? html`<p class="field__error" id="photos-error">${errors.photos}</p>` : ''}
      <input id="photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple aria-describedby="photos-hint${errors.photos ? ' photos-error' : ''}">
    </div>
    <button type="submit" class="button">${t('reports.update.submit')}</button>
  </form>`
      : html`<p><a href="/sign-in?next=${encodeURIComponent(`/reports/${report.id}`)}">${t('reports.update.signIn')}</a></p>`
  }
</section>
${subjectSections}`;
  return renderPage(request, reply, {
    title: `${title} (#${report.id})`,
    description: `${statusLabel(request, report.status)} — ${excerpt(report.description, 180)}`,
    ogType: 'article',
    status,
    path: `/reports/${report.id}`,
    scripts: [reportsAsset('reports-map.js')],
    main,
  });
}
