import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate } from '../../../platform/web/layout.ts';
import type { District } from '../../places/index.ts';
import { excerpt, plain, statusLabel, statusTag } from '../pages/shared.ts';
import type { Category } from '../report-categories.repository.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, type ReportStatus } from '../reports.schema.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { BulkResultQuery } from '../reports.forms.ts';
import { QUEUE_COUNT_CAP, QUEUE_PAGE_SIZE, queueSearch, type QueueQuery, type QueueScope } from './queue.ts';
import type { Department, QueueRow } from './staff.repository.ts';
import { BULK_MAX, PUBLIC_ANSWER_MAX, REASON_MAX, REFER_TO_MAX, SETTABLE_STATUSES } from './staff.use-cases.ts';
import { idFrom, overdueMarker, renderStaffPage, selectField, textareaField } from './shared.ts';

/** What the bulk form sent, kept when it is shown again with errors. */
export interface BulkState {
  errors: Record<string, string>;
  ids: Set<number>;
  status: string;
  publicText: string;
  referTo: string;
  departmentId: string;
  reason: string;
}

const EMPTY_BULK: BulkState = {
  errors: {},
  ids: new Set(),
  status: '',
  publicText: '',
  referTo: '',
  departmentId: '',
  reason: '',
};

/** Status choices grouped as residents see them: open, then closed. */
export function statusChoices(request: FastifyRequest, statuses: readonly ReportStatus[]) {
  const open = request.t('reports.staff.status.openGroup');
  const closed = request.t('reports.staff.status.closedGroup');
  return statuses.map((status) => ({
    value: status,
    label: statusLabel(request, status),
    group: (OPEN_STATUSES as readonly string[]).includes(status) ? open : closed,
  }));
}

export function districtName(request: FastifyRequest, districts: District[], id: number | null): string {
  return id === null ? '' : plain(request, districts.find((d) => d.id === id)?.name);
}

function filterForm(
  request: FastifyRequest,
  query: QueueQuery,
  scope: QueueScope,
  categories: Category[],
  districts: District[],
): Html {
  const { t } = request;
  const departmentChoices = [
    ...(scope.choices.length > 1 || request.viewer?.role === 'admin'
      ? [
          {
            value: 'all',
            label:
              request.viewer?.role === 'admin'
                ? t('reports.staff.filter.allDepartments')
                : t('reports.staff.filter.myDepartments'),
          },
        ]
      : []),
    ...scope.choices.map((d) => ({
      value: String(d.id),
      label: d.archived
        ? t('reports.staff.archivedDepartment', { name: plain(request, d.name) })
        : plain(request, d.name),
    })),
  ];
  const statusOptions = [
    { value: 'open', label: t('reports.filter.open') },
    { value: 'closed', label: t('reports.filter.closed') },
    { value: 'all', label: t('reports.filter.any') },
    ...statusChoices(request, [...OPEN_STATUSES, ...CLOSED_STATUSES]),
  ];
  return html`<form method="get" action="/staff/reports" class="staff-filters" aria-labelledby="queue-filters-title">
  <h2 id="queue-filters-title" class="visually-hidden">${t('reports.staff.filter.title')}</h2>
  ${departmentChoices.length > 1 ? selectField({ name: 'department', label: t('reports.staff.filter.department'), choices: departmentChoices, value: scope.chosen }) : ''}
  ${selectField({ name: 'status', label: t('reports.filter.status'), choices: statusOptions, value: query.status })}
  ${selectField({ name: 'category', label: t('reports.filter.category'), choices: [{ value: '', label: t('reports.filter.any') }, ...categories.map((c) => ({ value: String(c.id), label: plain(request, c.name), group: plain(request, c.group) }))], value: query.category })}
  ${selectField({ name: 'district', label: t('reports.filter.district'), choices: [{ value: '', label: t('reports.filter.any') }, ...districts.filter((d) => d.kind === 'district').map((d) => ({ value: String(d.id), label: plain(request, d.name) }))], value: query.district })}
  <div class="field"><label for="q">${t('reports.staff.filter.text')}</label><input type="text" id="q" name="q" value="${query.q}" maxlength="200"></div>
  ${selectField({
    name: 'sort',
    label: t('reports.staff.filter.sort'),
    choices: [
      { value: 'deadline', label: t('reports.staff.filter.sortDeadline') },
      { value: 'newest', label: t('reports.staff.filter.sortNewest') },
    ],
    value: query.sort,
  })}
  <div class="checkbox"><input type="checkbox" id="overdue" name="overdue" value="1"${query.overdue ? raw(' checked') : ''}><label for="overdue">${t('reports.staff.filter.overdue')}</label></div>
  <div><button type="submit" class="button">${t('reports.filter.apply')}</button> <a href="/staff/reports${scope.chosen !== 'all' || request.viewer?.role === 'admin' ? `?department=${scope.chosen}` : ''}">${t('reports.filter.reset')}</a></div>
</form>`;
}

function queueRow(request: FastifyRequest, row: QueueRow, districts: District[], selected: boolean, now: Date): Html {
  const overdue = row.isOpen && row.deadlineAt !== null && row.deadlineAt.getTime() < now.getTime();
  return html`<tr${overdue ? raw(' class="staff-row--overdue"') : ''}>
  <td><input type="checkbox" class="staff-check" name="ids" value="${row.id}" id="select-${row.id}"${selected ? raw(' checked') : ''}><label for="select-${row.id}" class="visually-hidden">${request.t('reports.staff.queue.select', { id: row.id })}</label></td>
  <td><a href="/staff/reports/${row.id}">#${row.id}</a></td>
  <td><a href="/staff/reports/${row.id}">${excerpt(row.description, 80)}</a>${row.address ? html`<br><span class="muted">${row.address}</span>` : ''}${row.hiddenAt ? html` <span class="staff-hidden">${request.t('reports.staff.hiddenTag')}</span>` : ''}</td>
  <td>${plain(request, row.categoryName)}</td>
  <td>${districtName(request, districts, row.districtId)}</td>
  <td>${statusTag(request, row.status)}</td>
  <td><time datetime="${row.createdAt.toISOString()}">${formatDate(request, row.createdAt)}</time></td>
  <td>${row.deadlineAt ? html`<time datetime="${row.deadlineAt.toISOString()}">${formatDate(request, row.deadlineAt, true)}</time>` : '—'} ${overdueMarker(request, row.deadlineAt, row.isOpen, now)}</td>
</tr>`;
}

function resultNotice(request: FastifyRequest): Html {
  const form = readForm(BulkResultQuery, request.query);
  if (!form.ok) throw invalidForm(form.errors);
  const query = form.value;
  const done = idFrom(query.done) ?? (query.done === '0' ? 0 : undefined);
  if (done === undefined) return html``;
  const failed = query.failed
    .split(',')
    .map(idFrom)
    .filter((id): id is number => id !== undefined)
    .slice(0, BULK_MAX);
  return html`<div class="notice" role="status"><p>${request.t('reports.staff.bulk.done', { count: done })}</p>${
    failed.length
      ? html`<p>${request.t('reports.staff.bulk.failed', { count: failed.length })} ${failed.map((id, i) => html`${i ? ', ' : ''}<a href="/staff/reports/${id}">#${id}</a>`)}</p>`
      : ''
  }</div>`;
}

/** What the queue page shows: the viewer's departments and scope, a page of reports and their count. */
export interface QueueData {
  departments: Department[];
  scope: QueueScope;
  rows: QueueRow[];
  /** The matching reports, counted up to QUEUE_COUNT_CAP + 1. */
  total: number;
  categories: Category[];
  districts: District[];
}

export function queuePage(
  request: FastifyRequest,
  reply: FastifyReply,
  query: QueueQuery,
  data: QueueData,
  bulk: BulkState = EMPTY_BULK,
  status = 200,
): FastifyReply {
  const { t } = request;
  const { departments, scope, rows, total, categories, districts } = data;
  const now = new Date();
  const chosen = scope.chosen === 'all' ? undefined : scope.choices.find((d) => String(d.id) === scope.chosen);
  const title = chosen
    ? t('reports.staff.queue.titleOf', { department: plain(request, chosen.name) })
    : t('reports.staff.queue.title');
  const pages = Math.max(1, Math.ceil(Math.min(total, QUEUE_COUNT_CAP) / QUEUE_PAGE_SIZE));
  const countText =
    total > QUEUE_COUNT_CAP
      ? t('reports.staff.queue.countMore', { count: QUEUE_COUNT_CAP })
      : t('reports.staff.queue.count', { count: total });
  const search = queueSearch(query);
  const targets = departments.filter((d) => !d.archived);
  const errors = bulk.errors;

  const main = html`<h1>${title}</h1>
${resultNotice(request)}
${errorSummary(request, errors)}
${scope.choices.length === 0 && scope.departmentIds !== undefined ? html`<p>${t('reports.staff.queue.noDepartment')}</p>` : ''}
${filterForm(request, query, scope, categories, districts)}
<p role="status">${countText}${query.page > 1 ? ` · ${t('reports.staff.queue.page', { page: query.page, pages })}` : ''} · <a href="/staff/reports.csv${queueSearch(query, { page: 1 })}" download>${t('reports.staff.queue.csv')}</a></p>
${
  rows.length === 0
    ? html`<p>${t('reports.list.empty')}</p>`
    : html`<form method="post" action="/staff/reports/bulk">
${csrfField(request)}
<input type="hidden" name="return" value="${search}">
<div class="table-wrap"><table class="data-table">
<caption class="visually-hidden">${title}</caption>
<thead><tr><th scope="col"><span class="visually-hidden">${t('reports.staff.queue.selectColumn')}</span></th><th scope="col">${t('reports.staff.queue.number')}</th><th scope="col">${t('reports.staff.queue.report')}</th><th scope="col">${t('reports.filter.category')}</th><th scope="col">${t('reports.filter.district')}</th><th scope="col">${t('reports.filter.status')}</th><th scope="col">${t('reports.page.reported')}</th><th scope="col">${t('reports.staff.queue.deadline')}</th></tr></thead>
<tbody>${rows.map((row) => queueRow(request, row, districts, bulk.ids.has(row.id), now))}</tbody>
</table></div>
${errors.ids ? html`<p class="field__error" id="ids">${errors.ids}</p>` : ''}
<div class="staff-actions">
  <fieldset>
    <legend>${t('reports.staff.bulk.statusTitle')}</legend>
    ${selectField({ name: 'status', id: 'bulk-status', label: t('reports.staff.status.new'), choices: [{ value: '', label: t('reports.new.chooseOne') }, ...statusChoices(request, SETTABLE_STATUSES)], value: bulk.status, error: errors['bulk-status'] })}
    ${textareaField({ name: 'publicText', id: 'bulk-publicText', label: t('reports.staff.status.publicText'), hint: t('reports.staff.bulk.publicTextHint'), value: bulk.publicText, error: errors['bulk-publicText'], maxlength: PUBLIC_ANSWER_MAX })}
    <div class="field${errors['bulk-referTo'] ? ' field--error' : ''}"><label for="bulk-referTo">${t('reports.staff.status.referTo')}</label><p class="field__hint" id="bulk-referTo-hint">${t('reports.staff.status.referToHint')}</p>${errors['bulk-referTo'] ? html`<p class="field__error">${errors['bulk-referTo']}</p>` : ''}<input type="text" id="bulk-referTo" name="referTo" value="${bulk.referTo}" maxlength="${REFER_TO_MAX}" aria-describedby="bulk-referTo-hint"></div>
    <button type="submit" class="button" name="action" value="status">${t('reports.staff.bulk.statusSubmit')}</button>
  </fieldset>
  <fieldset>
    <legend>${t('reports.staff.bulk.rerouteTitle')}</legend>
    ${selectField({ name: 'departmentId', id: 'bulk-departmentId', label: t('reports.staff.reroute.department'), choices: [{ value: '', label: t('reports.new.chooseOne') }, ...targets.map((d) => ({ value: String(d.id), label: plain(request, d.name) }))], value: bulk.departmentId, error: errors['bulk-departmentId'] })}
    ${textareaField({ name: 'reason', id: 'bulk-reason', label: t('reports.staff.reroute.reason'), hint: t('reports.staff.reroute.reasonHint'), value: bulk.reason, error: errors['bulk-reason'], maxlength: REASON_MAX, rows: 3 })}
    <button type="submit" class="button button--secondary" name="action" value="reroute">${t('reports.staff.bulk.rerouteSubmit')}</button>
  </fieldset>
</div>
</form>`
}
${
  pages > 1
    ? html`<nav class="pagination" aria-label="${t('reports.staff.queue.pagination')}">
  ${query.page > 1 ? html`<a href="/staff/reports${queueSearch(query, { page: query.page - 1 })}" rel="prev">${t('reports.staff.queue.previous')}</a>` : ''}
  <span>${t('reports.staff.queue.page', { page: query.page, pages })}</span>
  ${query.page < pages ? html`<a href="/staff/reports${queueSearch(query, { page: query.page + 1 })}" rel="next">${t('reports.staff.queue.next')}</a>` : ''}
</nav>`
    : ''
}`;
  return renderStaffPage(request, reply, { title, main, status });
}
