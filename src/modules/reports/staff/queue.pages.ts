import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { html, raw, type Html } from '../../../platform/web/html.ts';
import { csrfField, errorSummary, formatDate, siteUrl } from '../../../platform/web/layout.ts';
import { findDistricts, type District } from '../../places/index.ts';
import { excerpt, plain, statusLabel, statusTag } from '../pages/shared.ts';
import { findCategories } from '../reports.repository.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, type ReportStatus } from '../reports.schema.ts';
import { csvRow } from './csv.ts';
import type { Static } from 'typebox';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { BulkForm, BulkResultQuery } from '../reports.forms.ts';
import {
  parseQueueQuery,
  QUEUE_COUNT_CAP,
  QUEUE_PAGE_SIZE,
  queueFilters,
  queueSearch,
  resolveScope,
  type QueueQuery,
  type QueueScope,
} from './queue.ts';
import { authorize } from './staff.policy.ts';
import { countQueue, findDepartments, findQueue, type QueueRow } from './staff.repository.ts';
import {
  BULK_MAX,
  bulkGiveStatus,
  bulkReroute,
  PUBLIC_ANSWER_MAX,
  REASON_MAX,
  REFER_TO_MAX,
  SETTABLE_STATUSES,
  type BulkResult,
} from './staff.use-cases.ts';
import { idFrom, overdueMarker, renderStaffPage, selectField, textareaField, translateErrors } from './shared.ts';

/** What the bulk form sent, kept when it is shown again with errors. */
interface BulkState {
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

function districtName(request: FastifyRequest, districts: District[], id: number | null): string {
  return id === null ? '' : plain(request, districts.find((d) => d.id === id)?.name);
}

function filterForm(
  request: FastifyRequest,
  query: QueueQuery,
  scope: QueueScope,
  categories: Awaited<ReturnType<typeof findCategories>>,
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

async function renderQueue(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  query: QueueQuery,
  bulk: BulkState = EMPTY_BULK,
  status = 200,
): Promise<FastifyReply> {
  const { t, organisation } = request;
  const viewer = request.viewer;
  authorize(viewer, 'use-queue');
  const departments = await findDepartments(ctx.db, organisation.id);
  const scope = resolveScope(viewer, departments, query);
  const filters = queueFilters(query, scope);
  const [rows, total, categories, districts] = await Promise.all([
    findQueue(ctx.db, organisation.id, filters, { limit: QUEUE_PAGE_SIZE, offset: (query.page - 1) * QUEUE_PAGE_SIZE }),
    countQueue(ctx.db, organisation.id, filters, QUEUE_COUNT_CAP),
    findCategories(ctx.db, organisation.id, true),
    findDistricts(ctx.db, organisation.id),
  ]);
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

/** Rows of the CSV export at most; a larger export is cut there (and says so in its last line). */
export const CSV_MAX_ROWS = 100_000;
const CSV_BATCH = 1000;

const CSV_HEADER = [
  'id',
  'status',
  'status_label',
  'category',
  'department',
  'district',
  'address',
  'latitude',
  'longitude',
  'reported_at',
  'deadline_at',
  'overdue_days',
  'hidden',
  'description',
  'last_public_answer',
  'url',
];

/** The filtered queue as CSV, streamed in batches so a long queue never sits in memory whole. */
async function* queueCsv(
  ctx: AppContext,
  request: FastifyRequest,
  filters: ReturnType<typeof queueFilters>,
): AsyncGenerator<string> {
  const { organisation } = request;
  const districts = await findDistricts(ctx.db, organisation.id);
  const base = siteUrl(request);
  const now = new Date();
  yield `\uFEFF${csvRow(CSV_HEADER)}`;
  for (let offset = 0; offset < CSV_MAX_ROWS; offset += CSV_BATCH) {
    const rows = await findQueue(ctx.db, organisation.id, filters, {
      limit: Math.min(CSV_BATCH, CSV_MAX_ROWS - offset),
      offset,
    });
    let chunk = '';
    for (const row of rows) {
      const overdueDays =
        row.isOpen && row.deadlineAt && row.deadlineAt < now
          ? Math.floor((now.getTime() - row.deadlineAt.getTime()) / 86_400_000)
          : null;
      chunk += csvRow([
        row.id,
        row.status,
        statusLabel(request, row.status),
        plain(request, row.categoryName),
        plain(request, row.departmentName),
        districtName(request, districts, row.districtId),
        row.address,
        row.lat,
        row.lng,
        { raw: row.createdAt.toISOString() },
        row.deadlineAt ? { raw: row.deadlineAt.toISOString() } : null,
        overdueDays,
        row.hiddenAt ? 'yes' : 'no',
        row.description,
        row.lastPublicText,
        { raw: new URL(`/reports/${row.id}`, base).toString() },
      ]);
    }
    yield chunk;
    if (rows.length < CSV_BATCH) return;
  }
  yield csvRow([`… cut at ${CSV_MAX_ROWS} rows: narrow the filters to export the rest.`]);
}

function bulkStateFrom(form: Static<typeof BulkForm>): BulkState {
  return {
    errors: {},
    ids: new Set(form.ids.map(idFrom).filter((id): id is number => id !== undefined)),
    status: form.status,
    publicText: form.publicText,
    referTo: form.referTo,
    departmentId: form.departmentId,
    reason: form.reason,
  };
}

/** The department queue, its bulk actions and its CSV export. */
export function registerQueuePages(app: App, ctx: AppContext): void {
  app.get('/staff/reports', { schema: { hide: true } }, async (request, reply) =>
    renderQueue(ctx, request, reply, parseQueueQuery(request.query)),
  );

  app.get('/staff/reports.csv', { schema: { hide: true } }, async (request, reply) => {
    const viewer = request.viewer;
    authorize(viewer, 'use-queue');
    const query = parseQueueQuery(request.query);
    const scope = resolveScope(viewer, await findDepartments(ctx.db, request.organisation.id), query);
    const day = new Date().toISOString().slice(0, 10);
    reply
      .header('cache-control', 'no-store')
      .header(
        'content-disposition',
        `attachment; filename="reports-${scope.chosen === 'all' ? 'all' : `department-${scope.chosen}`}-${day}.csv"`,
      );
    return reply
      .type('text/csv; charset=utf-8')
      .send(Readable.from(queueCsv(ctx, request, queueFilters(query, scope))));
  });

  app.post('/staff/reports/bulk', { schema: { hide: true } }, async (request, reply) => {
    const viewer = request.viewer;
    authorize(viewer, 'use-queue');
    const form = readForm(BulkForm, request.body);
    if (!form.ok) throw invalidForm(form.errors);
    const back = form.value.return;
    const query = parseQueueQuery(Object.fromEntries(new URLSearchParams(back.startsWith('?') ? back.slice(1) : '')));
    const state = bulkStateFrom(form.value);
    const ids = [...state.ids];
    const action = form.value.action;
    let outcome: Awaited<ReturnType<typeof bulkGiveStatus>>;
    if (action === 'reroute')
      outcome = await bulkReroute(ctx, viewer, ids, { departmentId: idFrom(state.departmentId), reason: state.reason });
    else
      outcome = await bulkGiveStatus(ctx, viewer, request.organisation, ids, {
        status: state.status,
        publicText: state.publicText,
        internalNote: '',
        referTo: state.referTo,
      });
    if (!outcome.ok) {
      // keyed by the bulk fields' ids, which the error summary links to
      const errors = Object.fromEntries(
        Object.entries(translateErrors(request, outcome.fields)).map(([name, message]) => [
          name === 'ids' ? 'ids' : `bulk-${name}`,
          message,
        ]),
      );
      return renderQueue(ctx, request, reply, query, { ...state, errors }, 400);
    }
    return reply.redirect(`/staff/reports${bulkResultSearch(query, outcome.result)}`, 303);
  });
}

function bulkResultSearch(query: QueueQuery, result: BulkResult): string {
  const search = queueSearch(query);
  const params = new URLSearchParams(search.slice(1));
  params.set('done', String(result.done.length));
  if (result.failed.length) params.set('failed', result.failed.map((f) => f.id).join(','));
  return `?${params.toString()}`;
}
