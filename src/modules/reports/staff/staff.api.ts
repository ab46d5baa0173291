import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { ApiError, SESSION_OR_KEY } from '../../../platform/http/api.ts';
import { absoluteUrl } from '../../../platform/organisations/urls.ts';
import { findReportById } from '../reports-list.repository.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, type ReportStatus } from '../reports.schema.ts';
import { parseQueueQuery, QUEUE_COUNT_CAP, queueFilters, resolveScope } from './queue.ts';
import { authorize } from './staff.policy.ts';
import { countQueue, findDepartments, findQueue, type QueueRow } from './staff.repository.ts';
import {
  giveStatus,
  NOTE_MAX,
  PUBLIC_ANSWER_MAX,
  REASON_MAX,
  REFER_TO_MAX,
  reroute,
  SETTABLE_STATUSES,
  type Outcome,
} from './staff.use-cases.ts';
import { problemText, staffViewer } from './shared.ts';

const Errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError };
const SECURITY = SESSION_OR_KEY;
const Translated = Type.Record(Type.String(), Type.String());
const ALL: readonly ReportStatus[] = [...OPEN_STATUSES, ...CLOSED_STATUSES];
const StatusLiteral = Type.String({ description: `One of: ${ALL.join(', ')}` });

const QueueReport = Type.Object({
  id: Type.Integer(),
  status: StatusLiteral,
  isOpen: Type.Boolean(),
  category: Type.Object({ id: Type.Integer(), name: Translated }),
  department: Type.Union([Type.Object({ id: Type.Integer(), name: Translated }), Type.Null()]),
  districtId: Type.Union([Type.Integer(), Type.Null()]),
  description: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Number(),
  lng: Type.Number(),
  createdAt: Type.String({ format: 'date-time' }),
  deadlineAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  overdue: Type.Boolean({ description: 'Open and past its deadline' }),
  hidden: Type.Boolean(),
  lastPublicText: Type.Union([Type.String(), Type.Null()]),
  url: Type.String({ description: 'The public page of the report' }),
});

const QueueQuerystring = Type.Object(
  {
    department: Type.Optional(
      Type.String({
        pattern: '^(all|[1-9][0-9]{0,14})$',
        description:
          'A department id, or "all" (every department you may see). Default: your first department; for administrators all.',
      }),
    ),
    status: Type.Optional(
      Type.Union(
        [
          Type.Literal('open'),
          Type.Literal('closed'),
          Type.Literal('all'),
          ...ALL.map((status) => Type.Literal(status)),
        ],
        { default: 'open' },
      ),
    ),
    category: Type.Optional(Type.Integer({ minimum: 1, description: 'Category id' })),
    district: Type.Optional(Type.Integer({ minimum: 1, description: 'District id' })),
    overdue: Type.Optional(Type.Boolean({ description: 'Only open reports past their deadline' })),
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'A report number, or words in the description or address' }),
    ),
    sort: Type.Optional(Type.Union([Type.Literal('deadline'), Type.Literal('newest')], { default: 'deadline' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

function present(request: FastifyRequest, row: QueueRow, now: Date) {
  return {
    id: row.id,
    status: row.status,
    isOpen: row.isOpen,
    category: { id: row.categoryId, name: row.categoryName },
    department: row.departmentId === null ? null : { id: row.departmentId, name: row.departmentName ?? {} },
    districtId: row.districtId,
    description: row.description,
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    createdAt: row.createdAt.toISOString(),
    deadlineAt: row.deadlineAt?.toISOString() ?? null,
    overdue: row.isOpen && row.deadlineAt !== null && row.deadlineAt < now,
    hidden: row.hiddenAt !== null,
    lastPublicText: row.lastPublicText,
    url: absoluteUrl(request.server, request.organisation, `/reports/${row.id}`),
  };
}

/** Turns a use case's field errors into one VALIDATION_FAILED error naming each field. */
function unwrap<T>(request: FastifyRequest, outcome: Outcome<T>): T {
  if (outcome.ok) return outcome;
  const problems = Object.entries(outcome.fields).map(([field, problem]) => ({
    field,
    message: request.t(problemText(problem)),
  }));
  throw new AppError(
    'VALIDATION_FAILED',
    `The request is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join(' ')}`,
    { problems },
  );
}

/**
 * The department queue over JSON for the departments' own tools: list with the page's filters, status
 * change with a public answer, re-route. Authorised by a session (writes need X-CSRF-Token) or an API
 * key, which acts with the rights of the administrator who issued it.
 */
export function registerStaffApi(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/staff/reports',
    {
      schema: {
        operationId: 'listStaffReports',
        tags: ['reports (staff)'],
        summary: 'A department queue of reports, with filters',
        security: SECURITY,
        querystring: QueueQuerystring,
        response: {
          200: Type.Object({
            reports: Type.Array(QueueReport),
            total: Type.Integer(),
            totalIsCapped: Type.Boolean(),
            page: Type.Integer(),
            pageSize: Type.Integer(),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const viewer = await staffViewer(ctx, request, 'reports.read');
      authorize(viewer, 'use-queue');
      const raw = request.query;
      const query = parseQueueQuery({
        ...raw,
        overdue: raw.overdue ? '1' : '',
        category: raw.category?.toString(),
        district: raw.district?.toString(),
        page: raw.page?.toString(),
      });
      const pageSize = raw.pageSize ?? 50;
      const scope = resolveScope(viewer, await findDepartments(ctx.db, request.organisation.id), query);
      const filters = queueFilters(query, scope);
      const [rows, total] = await Promise.all([
        findQueue(ctx.db, request.organisation.id, filters, { limit: pageSize, offset: (query.page - 1) * pageSize }),
        countQueue(ctx.db, request.organisation.id, filters, QUEUE_COUNT_CAP),
      ]);
      const now = new Date();
      return {
        reports: rows.map((row) => present(request, row, now)),
        total: Math.min(total, QUEUE_COUNT_CAP),
        totalIsCapped: total > QUEUE_COUNT_CAP,
        page: query.page,
        pageSize,
      };
    },
  );

  app.post(
    '/api/v1/staff/reports/:id/status',
    {
      schema: {
        operationId: 'setReportStatus',
        tags: ['reports (staff)'],
        summary: 'Give a report a new status, with a public answer',
        description:
          '"duplicate" is not set here: merge the report instead. "not_responsible" needs `referTo`, whom the resident should contact instead.',
        security: SECURITY,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          {
            status: Type.Union(SETTABLE_STATUSES.map((status) => Type.Literal(status))),
            publicText: Type.Optional(Type.String({ maxLength: PUBLIC_ANSWER_MAX })),
            internalNote: Type.Optional(Type.String({ maxLength: NOTE_MAX })),
            referTo: Type.Optional(Type.String({ maxLength: REFER_TO_MAX })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            id: Type.Integer(),
            status: StatusLiteral,
            lastPublicText: Type.Union([Type.String(), Type.Null()]),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const viewer = await staffViewer(ctx, request, 'reports.write');
      const { body } = request;
      unwrap(
        request,
        await giveStatus(ctx, viewer, request.organisation, request.params.id, {
          status: body.status,
          publicText: body.publicText ?? '',
          internalNote: body.internalNote ?? '',
          referTo: body.referTo ?? '',
        }),
      );
      const report = await findReportById(ctx.db, request.organisation.id, request.params.id, true);
      if (!report) throw new AppError('REPORT_NOT_FOUND');
      return { id: report.id, status: report.status, lastPublicText: report.lastPublicText };
    },
  );

  app.post(
    '/api/v1/staff/reports/:id/reroute',
    {
      schema: {
        operationId: 'rerouteReport',
        tags: ['reports (staff)'],
        summary: 'Send a report to another department and/or category, with the reason',
        security: SECURITY,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          {
            departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
            categoryId: Type.Optional(Type.Integer({ minimum: 1 })),
            reason: Type.String({ minLength: 1, maxLength: REASON_MAX }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            id: Type.Integer(),
            departmentId: Type.Union([Type.Integer(), Type.Null()]),
            categoryId: Type.Integer(),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const viewer = await staffViewer(ctx, request, 'reports.write');
      unwrap(request, await reroute(ctx, viewer, request.params.id, request.body));
      const report = await findReportById(ctx.db, request.organisation.id, request.params.id, true);
      if (!report) throw new AppError('REPORT_NOT_FOUND');
      return { id: report.id, departmentId: report.departmentId, categoryId: report.categoryId };
    },
  );
}
