import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.ts';
import type { App } from '../../../platform/http/app.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { findDistricts } from '../../places/index.ts';
import { findCategories } from '../report-categories.repository.ts';
import { plain, statusLabel } from '../pages/shared.ts';
import { CSV_BOM, csvRow } from '../../../platform/web/csv.ts';
import type { Static } from 'typebox';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { BulkForm } from '../reports.forms.ts';
import {
  parseQueueQuery,
  QUEUE_COUNT_CAP,
  QUEUE_PAGE_SIZE,
  queueFilters,
  queueSearch,
  resolveScope,
  type QueueQuery,
} from './queue.ts';
import { authorize } from './staff.policy.ts';
import { countQueue, findDepartments, findQueue } from './staff.repository.ts';
import { bulkGiveStatus, bulkReroute, type BulkResult } from './staff.use-cases.ts';
import { idFrom, translateErrors } from './shared.ts';
import { type BulkState, districtName, queuePage, type QueueData } from './queue.view.ts';

/** The queue the viewer asked for: their departments and scope, the page of reports, its count, the filters' choices. */
async function loadQueue(ctx: AppContext, request: FastifyRequest, query: QueueQuery): Promise<QueueData> {
  const { organisation } = request;
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
  return { departments, scope, rows, total, categories, districts };
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
  const now = new Date();
  yield `${CSV_BOM}${csvRow(CSV_HEADER)}`;
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
        { raw: absoluteUrl(request.server, request.organisation, `/reports/${row.id}`) },
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
  app.get('/staff/reports', { schema: { hide: true } }, async (request, reply) => {
    const query = parseQueueQuery(request.query);
    return queuePage(request, reply, query, await loadQueue(ctx, request, query));
  });

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
      return queuePage(request, reply, query, await loadQueue(ctx, request, query), { ...state, errors }, 400);
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
