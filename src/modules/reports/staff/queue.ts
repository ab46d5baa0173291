import type { FastifyRequest } from 'fastify';
import type { Viewer } from '../../../platform/auth/users.ts';
import { AppError } from '../../../platform/errors.ts';
import { isReportStatus } from '../manage-report.use-cases.ts';
import { CLOSED_STATUSES, OPEN_STATUSES } from '../reports.schema.ts';
import { queueScope } from './staff.policy.ts';
import type { Department, QueueFilters } from './staff.repository.ts';
import { idFrom } from './shared.ts';
import { invalidForm, readForm } from '../../../platform/web/forms.ts';
import { QueueQueryForm } from '../reports.forms.ts';

export const QUEUE_PAGE_SIZE = 50;
/** Counting stops here: a queue longer than this says "more than 10,000". */
export const QUEUE_COUNT_CAP = 10_000;

/** The queue's filters as they appear in the address (so every view can be bookmarked and shared). */
export interface QueueQuery {
  /** A department id, or 'all' (every department the viewer may see). */
  department: string;
  /** 'open', 'closed', 'all', or one status. */
  status: string;
  category: string;
  district: string;
  overdue: boolean;
  q: string;
  sort: 'deadline' | 'newest';
  page: number;
}

/** Reads the queue's filters from a query string; unknown values fall back to the defaults. */
export function parseQueueQuery(source: unknown): QueueQuery {
  const form = readForm(QueueQueryForm, source);
  if (!form.ok) throw invalidForm(form.errors);
  const query = form.value;
  const page = Number(query.page);
  return {
    department: query.department,
    status: query.status === 'closed' || query.status === 'all' || isReportStatus(query.status) ? query.status : 'open',
    category: idFrom(query.category) ? query.category : '',
    district: idFrom(query.district) ? query.district : '',
    overdue: query.overdue === '1',
    q: query.q.slice(0, 200),
    sort: query.sort === 'newest' ? 'newest' : 'deadline',
    page: Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** The query string of a queue view, without the defaults; `overrides` change some values. */
export function queueSearch(query: QueueQuery, overrides: Partial<QueueQuery> = {}): string {
  const merged = { ...query, ...overrides };
  const params = new URLSearchParams();
  if (merged.department) params.set('department', merged.department);
  if (merged.status !== 'open') params.set('status', merged.status);
  if (merged.category) params.set('category', merged.category);
  if (merged.district) params.set('district', merged.district);
  if (merged.overdue) params.set('overdue', '1');
  if (merged.q) params.set('q', merged.q);
  if (merged.sort !== 'deadline') params.set('sort', merged.sort);
  if (merged.page > 1) params.set('page', String(merged.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The departments a viewer may choose between, and which one the query picked. */
export interface QueueScope {
  choices: Department[];
  /** The ids the queue shows; undefined for every department (administrators). */
  departmentIds: number[] | undefined;
  /** The chosen department, or 'all'. */
  chosen: string;
}

/**
 * Decides whose queue is shown. Administrators see every department ('all' by default); members of
 * staff see one of theirs (the first by default) or all of theirs. Asking for another department's
 * queue is forbidden, not silently replaced.
 */
export function resolveScope(viewer: Viewer, departments: Department[], query: QueueQuery): QueueScope {
  const allowed = queueScope(viewer);
  const choices = departments.filter((d) => (allowed === undefined ? true : allowed.includes(d.id)));
  if (query.department === 'all' || (query.department === '' && (allowed === undefined || choices.length === 0))) {
    return { choices, departmentIds: allowed, chosen: 'all' };
  }
  const wanted = query.department === '' ? choices[0]?.id : idFrom(query.department);
  if (wanted === undefined) throw new AppError('VALIDATION_FAILED', 'There is no such department.');
  if (!choices.some((d) => d.id === wanted)) throw new AppError('FORBIDDEN', 'This is not one of your departments.');
  return { choices, departmentIds: [wanted], chosen: String(wanted) };
}

/** The repository's filters for a queue view. */
export function queueFilters(query: QueueQuery, scope: QueueScope): QueueFilters {
  return {
    departmentIds: scope.departmentIds,
    isOpen: query.status === 'open' ? true : query.status === 'closed' ? false : undefined,
    statuses: isReportStatus(query.status) ? [query.status] : undefined,
    categoryId: idFrom(query.category),
    districtId: idFrom(query.district),
    overdueOnly: query.overdue,
    text: query.q || undefined,
    order: query.sort,
  };
}

export const STATUS_FILTERS = ['open', 'closed', 'all', ...OPEN_STATUSES, ...CLOSED_STATUSES] as const;

/** Reads the queue filters for a request (helper for pages and the CSV export). */
export function queueQueryOf(request: FastifyRequest): QueueQuery {
  return parseQueueQuery(request.query);
}
