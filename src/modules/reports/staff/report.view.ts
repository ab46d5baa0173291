import type { FastifyReply, FastifyRequest } from 'fastify';
import { LANGUAGES, isLanguage, type Language } from '../../../platform/i18n/languages.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate } from '../../../platform/web/layout.ts';
import type { District } from '../../places/index.ts';
import { excerpt, isStatus, plain, statusLabel, statusMeaning, statusTag } from '../pages/shared.ts';
import type { Category, Question } from '../report-categories.repository.ts';
import type { NearbyReport } from '../nearby-reports.repository.ts';
import type { ReportRow } from '../reports-list.repository.ts';
import { statusChoices } from './queue.view.ts';
import type { AnswerTemplate, Department, ReportInternals, StaffHistoryLine, StaffPhoto } from './staff.repository.ts';
import { NOTE_MAX, PUBLIC_ANSWER_MAX, REASON_MAX, REFER_TO_MAX, SETTABLE_STATUSES } from './staff.use-cases.ts';
import { overdueMarker, renderStaffPage, selectField, textareaField } from './shared.ts';

/** What a form on the report page sent, kept when the page is shown again with its errors. */
export interface FormState {
  errors: Record<string, string>;
  values: Record<string, string>;
}

const NO_FORM: FormState = { errors: {}, values: {} };
function departmentName(request: FastifyRequest, departments: Department[], id: unknown): string {
  const department = departments.find((d) => d.id === id);
  return department ? plain(request, department.name) : request.t('reports.page.noDepartment');
}

function historyLine(
  request: FastifyRequest,
  line: StaffHistoryLine,
  departments: Department[],
  categories: Category[],
): Html {
  const { t } = request;
  const status = (value: string | null) => (isStatus(value) ? statusLabel(request, value) : (value ?? ''));
  const categoryName = (id: unknown) => plain(request, categories.find((c) => c.id === id)?.name) || String(id);
  let what: Html;
  if (line.kind === 'status')
    what = html`${t('reports.staff.history.status', { from: status(line.statusFrom), to: status(line.statusTo) })}`;
  else if (line.kind === 'reroute') {
    const from = (line.details.from ?? {}) as { departmentId?: number; categoryId?: number };
    const to = (line.details.to ?? {}) as { departmentId?: number; categoryId?: number };
    what = html`${t('reports.staff.history.reroute', { from: departmentName(request, departments, from.departmentId), to: departmentName(request, departments, to.departmentId) })}${
      from.categoryId !== to.categoryId
        ? html` ${t('reports.staff.history.recategorised', { from: categoryName(from.categoryId), to: categoryName(to.categoryId) })}`
        : ''
    }`;
  } else if (line.kind === 'hide')
    what = html`${line.details.hidden ? t('reports.staff.history.hidden') : t('reports.staff.history.shown')}`;
  else if (line.kind === 'merge') what = html`${t('reports.page.history.merge')}`;
  else if (line.kind === 'created') what = html`${t('reports.page.history.created')}`;
  else if (line.kind === 'reopen') what = html`${t('reports.page.history.reopen')}`;
  else if (line.kind === 'comment') what = html`${t('reports.page.history.comment')}`;
  else what = html`${t('reports.page.history.answer')}`;
  const referTo = typeof line.details.referTo === 'string' ? line.details.referTo : '';
  return html`<li>
  <p><time datetime="${line.createdAt.toISOString()}">${formatDate(request, line.createdAt, true)}</time> — <strong>${what}</strong>${line.authorName ? html` <span class="muted">(${line.authorName})</span>` : ''}${line.hidden ? html` <span class="staff-hidden">${t('reports.staff.hiddenTag')}</span>` : ''}</p>
  ${line.publicText ? html`<blockquote><span class="visually-hidden">${t('reports.staff.history.public')}: </span>${line.publicText}</blockquote>` : ''}
  ${referTo ? html`<p>${t('reports.staff.history.referTo', { contact: referTo })}</p>` : ''}
  ${line.internalNote ? html`<p class="staff-note"><strong>${line.kind === 'reroute' ? t('reports.staff.history.reason') : line.kind === 'hide' ? t('reports.staff.history.moderationReason') : t('reports.staff.history.internal')}:</strong> ${line.internalNote}</p>` : ''}
</li>`;
}

/** What the staff page of a report shows besides the report, read by the route (report.pages.ts). */
export interface ReportPageData {
  /** Whether the viewer may change the report (status, re-route, merge) and moderate it. */
  manage: boolean;
  moderate: boolean;
  internals: ReportInternals | undefined;
  history: StaffHistoryLine[];
  photos: StaffPhoto[];
  questions: Question[];
  departments: Department[];
  categories: Category[];
  districts: District[];
  templates: AnswerTemplate[];
  /** Open reports of the same category nearby (merge candidates); none for a closed report. */
  nearby: NearbyReport[];
  /** The language the resident reads answers in. */
  language: Language;
  /** The status the status form starts with ('' for none), and the answer template it starts from. */
  chosenStatus: string;
  template: { body: string; language: string } | undefined;
}

export function reportPage(
  request: FastifyRequest,
  reply: FastifyReply,
  report: ReportRow,
  data: ReportPageData,
  form: FormState = NO_FORM,
  status = 200,
): FastifyReply {
  const { t, organisation } = request;
  const { manage, moderate, internals, history, photos, questions, departments, categories, districts } = data;
  const { templates, nearby, language, chosenStatus, template } = data;
  const district: District | undefined = districts.find((d) => d.id === report.districtId);
  const now = new Date();
  const errors = form.errors;
  const values = form.values;
  const publicText = values.publicText ?? template?.body ?? '';
  const templateStatuses = SETTABLE_STATUSES.filter((s) =>
    templates.some(
      (tpl) => tpl.status === s && (tpl.language === language || tpl.language === organisation.defaultLanguage),
    ),
  );
  const languageName = (code: string) => (isLanguage(code) ? LANGUAGES[code].name : code);

  const answered = questions.filter((q) => report.answers[q.code] !== undefined && report.answers[q.code] !== '');
  const answerText = (code: string, value: string | string[]) => {
    const question = questions.find((q) => q.code === code);
    return (Array.isArray(value) ? value : [value])
      .map((v) => plain(request, question?.options.find((o) => o.key === v)?.name) || v)
      .join(', ');
  };
  const title = `#${report.id} ${plain(request, report.categoryName)} — ${excerpt(report.description, 60)}`;
  const candidates = nearby.filter((n) => n.id !== report.id);

  const main = html`<p><a href="/staff/reports">← ${t('reports.staff.nav.queue')}</a> · <a href="/reports/${report.id}">${t('reports.staff.report.publicPage')}</a></p>
<h1>${title}</h1>
${errorSummary(request, errors)}
${report.hiddenAt ? html`<p class="staff-hidden">${t('reports.staff.report.hiddenBanner', { reason: internals?.hiddenReason ?? '' })}</p>` : ''}
${report.duplicateOfId ? html`<p><a href="/staff/reports/${report.duplicateOfId}">${t('reports.page.duplicateOf', { id: report.duplicateOfId })}</a></p>` : ''}
<p>${statusTag(request, report.status)} ${statusMeaning(request, report.status)} ${overdueMarker(request, report.deadlineAt, report.isOpen, now)}</p>
<dl class="report-facts">
  <dt>${t('reports.page.category')}</dt><dd>${plain(request, report.categoryName)}</dd>
  <dt>${t('reports.page.department')}</dt><dd>${report.departmentName ? plain(request, report.departmentName) : t('reports.page.noDepartment')}</dd>
  <dt>${t('reports.page.district')}</dt><dd>${district ? plain(request, district.name) : '—'}</dd>
  <dt>${t('reports.page.place')}</dt><dd>${report.address ? html`${report.address}<br>` : ''}${t('reports.page.coordinates', { lat: report.lat.toFixed(5), lng: report.lng.toFixed(5) })}</dd>
  <dt>${t('reports.page.reported')}</dt><dd><time datetime="${report.createdAt.toISOString()}">${formatDate(request, report.createdAt, true)}</time></dd>
  <dt>${t('reports.page.deadline')}</dt><dd>${report.deadlineAt ? html`<time datetime="${report.deadlineAt.toISOString()}">${formatDate(request, report.deadlineAt, true)}</time>` : '—'}</dd>
  ${report.closedAt ? html`<dt>${t('reports.staff.report.closed')}</dt><dd><time datetime="${report.closedAt.toISOString()}">${formatDate(request, report.closedAt, true)}</time></dd>` : ''}
  <dt>${t('reports.page.by')}</dt><dd>${report.authorName ?? internals?.authorAccountName ?? t('reports.page.anonymous')}${internals?.authorEmail ? html` &lt;<a href="mailto:${internals.authorEmail}">${internals.authorEmail}</a>&gt;` : ''} <span class="muted">(${report.showName ? t('reports.staff.report.nameShown') : t('reports.staff.report.nameNotShown')})</span></dd>
  <dt>${t('reports.staff.report.language')}</dt><dd>${languageName(language)}</dd>
  <dt>${t('reports.staff.report.source')}</dt><dd>${report.source}${internals?.apiKeyName ? ` (${internals.apiKeyName})` : ''}</dd>
  <dt>${t('reports.staff.report.followers')}</dt><dd>${internals?.followers ?? 0}</dd>
</dl>
<h2>${t('reports.staff.report.description')}</h2>
<p class="staff-description">${report.description}</p>
${answered.length ? html`<h2>${t('reports.page.answers')}</h2><dl class="report-facts">${answered.map((q) => html`<dt>${plain(request, q.label)}</dt><dd>${answerText(q.code, report.answers[q.code] as string | string[])}</dd>`)}</dl>` : ''}
${
  photos.length
    ? html`<h2>${t('reports.page.photos')}</h2><ul class="staff-photos">${photos.map(
        (photo, index) => html`<li>
  <a href="/staff/reports/${report.id}/photos/${photo.id}"><img src="/staff/reports/${report.id}/photos/${photo.id}" alt="${t('reports.page.photoAlt', { n: index + 1 })}" loading="lazy"></a>
  ${photo.hiddenAt ? html`<p><span class="staff-hidden">${t('reports.staff.hiddenTag')}</span> ${photo.hiddenReason ?? ''}</p>` : ''}
  ${
    moderate
      ? html`<form method="post" action="/staff/reports/${report.id}/photos/${photo.id}/visibility">${csrfField(request)}
    ${photo.hiddenAt ? html`<input type="hidden" name="hidden" value="0">` : html`<input type="hidden" name="hidden" value="1"><div class="field${errors[`photoReason-${photo.id}`] ? ' field--error' : ''}"><label for="photoReason-${photo.id}">${t('reports.staff.moderation.reason')}</label>${errors[`photoReason-${photo.id}`] ? html`<p class="field__error">${errors[`photoReason-${photo.id}`]}</p>` : ''}<input type="text" id="photoReason-${photo.id}" name="reason" maxlength="${REASON_MAX}" required></div>`}
    <button type="submit" class="button button--small button--secondary">${photo.hiddenAt ? t('reports.staff.moderation.showPhoto') : t('reports.staff.moderation.hidePhoto')}</button>
  </form>`
      : ''
  }
</li>`,
      )}</ul>`
    : ''
}

${
  manage
    ? html`<section class="staff-panel" aria-labelledby="change-status">
  <h2 id="change-status">${t('reports.staff.status.title')}</h2>
  ${
    templateStatuses.length
      ? html`<p id="templates-lead">${t('reports.staff.status.templates', { language: languageName(language) })}</p>
  <ul class="staff-templates" aria-labelledby="templates-lead">${templateStatuses.map((s) => html`<li><a href="/staff/reports/${report.id}?status=${s}#change-status"${s === chosenStatus ? raw(' aria-current="true"') : ''}>${statusLabel(request, s)}</a></li>`)}</ul>`
      : ''
  }
  ${template ? html`<p class="muted" role="status">${t('reports.staff.status.templateUsed', { status: statusLabel(request, chosenStatus as never), language: languageName(template.language) })}</p>` : ''}
  <form method="post" action="/staff/reports/${report.id}/status">
    ${csrfField(request)}
    ${selectField({ name: 'status', label: t('reports.staff.status.new'), choices: [{ value: '', label: t('reports.new.chooseOne') }, ...statusChoices(request, SETTABLE_STATUSES)], value: chosenStatus, error: errors.status, required: true, hint: t('reports.staff.status.duplicateHint') })}
    ${textareaField({ name: 'publicText', label: t('reports.staff.status.publicText'), hint: t('reports.staff.status.publicTextHint'), value: publicText, error: errors.publicText, maxlength: PUBLIC_ANSWER_MAX, rows: 6, lang: template?.language ?? language })}
    <div class="field${errors.referTo ? ' field--error' : ''}">
      <label for="referTo">${t('reports.staff.status.referTo')}</label>
      <p class="field__hint" id="referTo-hint">${t('reports.staff.status.referToHint')}</p>
      ${errors.referTo ? html`<p class="field__error" id="referTo-error">${errors.referTo}</p>` : ''}
      <input type="text" id="referTo" name="referTo" value="${values.referTo ?? ''}" maxlength="${REFER_TO_MAX}" aria-describedby="referTo-hint${errors.referTo ? ' referTo-error' : ''}"${errors.referTo ? raw(' aria-invalid="true"') : ''}>
    </div>
    ${textareaField({ name: 'internalNote', label: t('reports.staff.status.internalNote'), hint: t('reports.staff.status.internalNoteHint'), value: values.internalNote ?? '', error: errors.internalNote, maxlength: NOTE_MAX, rows: 3 })}
    <button type="submit" class="button">${t('reports.staff.status.submit')}</button>
  </form>
</section>

<section class="staff-panel" aria-labelledby="reroute-title">
  <h2 id="reroute-title">${t('reports.staff.reroute.title')}</h2>
  <form method="post" action="/staff/reports/${report.id}/reroute">
    ${csrfField(request)}
    ${selectField({ name: 'departmentId', label: t('reports.staff.reroute.department'), choices: departments.filter((d) => !d.archived || d.id === report.departmentId).map((d) => ({ value: String(d.id), label: plain(request, d.name) })), value: values.departmentId ?? String(report.departmentId ?? ''), error: errors.departmentId })}
    ${selectField({ name: 'categoryId', label: t('reports.staff.reroute.category'), choices: categories.map((c) => ({ value: String(c.id), label: plain(request, c.name), group: plain(request, c.group) })), value: values.categoryId ?? String(report.categoryId), error: errors.categoryId })}
    ${textareaField({ name: 'reason', label: t('reports.staff.reroute.reason'), hint: t('reports.staff.reroute.reasonHint'), value: values.reason ?? '', error: errors.reason, maxlength: REASON_MAX, rows: 3, required: true })}
    <button type="submit" class="button button--secondary">${t('reports.staff.reroute.submit')}</button>
  </form>
</section>

${
  report.status === 'duplicate'
    ? ''
    : html`<section class="staff-panel" aria-labelledby="merge-title">
  <h2 id="merge-title">${t('reports.staff.merge.title')}</h2>
  <p>${t('reports.staff.merge.lead')}</p>
  <form method="post" action="/staff/reports/${report.id}/merge">
    ${csrfField(request)}
    ${
      candidates.length
        ? html`<fieldset class="field"><legend>${t('reports.staff.merge.nearby')}</legend>${candidates.map(
            (c) =>
              html`<div class="checkbox"><input type="radio" id="keep-${c.id}" name="keepChoice" value="${c.id}"${values.keepChoice === String(c.id) ? raw(' checked') : ''}><label for="keep-${c.id}"><a href="/staff/reports/${c.id}">#${c.id}</a> ${excerpt(c.description, 70)} <span class="muted">(${t('reports.similar.distance', { meters: Math.round(c.distanceMeters) })}, ${statusLabel(request, c.status)})</span></label></div>`,
          )}</fieldset>`
        : ''
    }
    <div class="field${errors.keepId ? ' field--error' : ''}">
      <label for="keepId">${t('reports.staff.merge.keepId')}</label>
      <p class="field__hint" id="keepId-hint">${t('reports.staff.merge.keepIdHint')}</p>
      ${errors.keepId ? html`<p class="field__error" id="keepId-error">${errors.keepId}</p>` : ''}
      <input type="text" inputmode="numeric" id="keepId" name="keepId" value="${values.keepId ?? ''}" maxlength="16" aria-describedby="keepId-hint${errors.keepId ? ' keepId-error' : ''}"${errors.keepId ? raw(' aria-invalid="true"') : ''}>
    </div>
    <button type="submit" class="button button--secondary">${t('reports.staff.merge.submit')}</button>
  </form>
</section>`
}`
    : html`<p>${t('reports.staff.report.readOnly')}</p>`
}

${
  moderate
    ? html`<section class="staff-panel" aria-labelledby="moderation-title">
  <h2 id="moderation-title">${t('reports.staff.moderation.title')}</h2>
  <form method="post" action="/staff/reports/${report.id}/visibility">
    ${csrfField(request)}
    <input type="hidden" name="hidden" value="${report.hiddenAt ? '0' : '1'}">
    ${textareaField({ name: 'reason', id: 'hideReason', label: t('reports.staff.moderation.reason'), hint: report.hiddenAt ? t('reports.staff.moderation.showHint') : t('reports.staff.moderation.hideHint'), value: values.hideReason ?? '', error: errors.hideReason, maxlength: REASON_MAX, rows: 2, required: !report.hiddenAt })}
    <button type="submit" class="button ${report.hiddenAt ? 'button--secondary' : 'button--danger'}">${report.hiddenAt ? t('reports.staff.moderation.show') : t('reports.staff.moderation.hide')}</button>
  </form>
</section>`
    : ''
}

<h2>${t('reports.page.history')}</h2>
<ol class="staff-history">${history.map((line) => historyLine(request, line, departments, categories))}</ol>`;
  return renderStaffPage(request, reply, { title, main, status });
}
