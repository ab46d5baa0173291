import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import type { QuestionDatatype, QuestionOption, ReportStatus } from './reports.schema.ts';
import './reports.schema.ts';

function parse<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export interface Category {
  id: number;
  code: string;
  group: Translated;
  name: Translated;
  description: Translated;
  keywords: string;
  expectedHours: number;
  defaultDepartmentId: number | null;
  active: boolean;
}

export interface Question {
  id: number;
  categoryId: number;
  code: string;
  datatype: QuestionDatatype;
  required: boolean;
  label: Translated;
  help: Translated;
  options: QuestionOption[];
  sort: number;
}

const categoryColumns = ['id', 'code', 'group_name', 'name', 'description', 'keywords', 'expected_hours', 'default_department_id', 'active'] as const;

function toCategory(row: {
  id: number; code: string; group_name: unknown; name: unknown; description: unknown; keywords: string; expected_hours: number; default_department_id: number | null; active: boolean;
}): Category {
  return {
    id: row.id,
    code: row.code,
    group: parse(row.group_name),
    name: parse(row.name),
    description: parse(row.description),
    keywords: row.keywords,
    expectedHours: row.expected_hours,
    defaultDepartmentId: row.default_department_id,
    active: row.active,
  };
}

/** The city's categories in display order; only those residents can choose unless `includeInactive`. */
export async function findCategories(db: Executor, organisationId: number, includeInactive = false): Promise<Category[]> {
  let query = db.selectFrom('reports_category').select(categoryColumns).where('organisation_id', '=', organisationId);
  if (!includeInactive) query = query.where('active', '=', true);
  const rows = await query.orderBy('sort').orderBy('code').execute();
  return rows.map(toCategory);
}

export async function findCategoryByCode(db: Executor, organisationId: number, code: string): Promise<Category | undefined> {
  const row = await db.selectFrom('reports_category').select(categoryColumns).where('organisation_id', '=', organisationId).where('code', '=', code).executeTakeFirst();
  return row ? toCategory(row) : undefined;
}

export async function findCategoryById(db: Executor, organisationId: number, id: number): Promise<Category | undefined> {
  const row = await db.selectFrom('reports_category').select(categoryColumns).where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();
  return row ? toCategory(row) : undefined;
}

/** The questions of one category, in order. */
export async function findQuestions(db: Executor, categoryId: number): Promise<Question[]> {
  const rows = await db.selectFrom('reports_question').selectAll().where('category_id', '=', categoryId).orderBy('sort').orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    categoryId: row.category_id,
    code: row.code,
    datatype: row.datatype,
    required: row.required,
    label: parse(row.label),
    help: parse(row.help),
    options: parse(row.options),
    sort: row.sort,
  }));
}

/**
 * The department in charge of a category in a district: the rule for that district, else the
 * category's city-wide rule, else the category's default department.
 */
export async function findDepartmentFor(db: Executor, category: Category, districtIds: number[]): Promise<number | null> {
  const rules = await db
    .selectFrom('reports_routing_rule')
    .select(['district_id', 'department_id'])
    .where('category_id', '=', category.id)
    .where((eb) => eb.or([eb('district_id', 'is', null), ...(districtIds.length ? [eb('district_id', 'in', districtIds)] : [])]))
    .execute();
  const specific = rules.find((rule) => rule.district_id !== null);
  return specific?.department_id ?? rules.find((rule) => rule.district_id === null)?.department_id ?? category.defaultDepartmentId;
}

export interface ReportRow {
  id: number;
  organisationId: number;
  categoryId: number;
  categoryCode: string;
  categoryName: Translated;
  departmentId: number | null;
  departmentName: Translated | null;
  districtId: number | null;
  status: ReportStatus;
  isOpen: boolean;
  description: string;
  lat: number;
  lng: number;
  address: string | null;
  answers: Record<string, string | string[]>;
  authorId: number | null;
  authorName: string | null;
  showName: boolean;
  source: string;
  token: string | null;
  duplicateOfId: number | null;
  deadlineAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  hiddenAt: Date | null;
  lastPublicText: string | null;
}

export interface ReportFilters {
  ids?: number[];
  token?: string;
  categoryCodes?: string[];
  statuses?: ReportStatus[];
  isOpen?: boolean;
  departmentId?: number;
  districtId?: number;
  createdFrom?: Date;
  createdTo?: Date;
  includeHidden?: boolean;
  limit: number;
  offset?: number;
  order?: 'newest' | 'deadline' | 'updated';
}

/** Reports matching filters, with their category, department and latest public answer, in one query. */
export async function findReports(db: Executor, organisationId: number, filters: ReportFilters): Promise<ReportRow[]> {
  let query = db
    .selectFrom('reports_report as r')
    .innerJoin('reports_category as c', 'c.id', 'r.category_id')
    .leftJoin('core_department as d', 'd.id', 'r.department_id')
    .select([
      'r.id', 'r.organisation_id', 'r.category_id', 'c.code as category_code', 'c.name as category_name', 'r.department_id', 'd.name as department_name',
      'r.district_id', 'r.status', 'r.is_open', 'r.description', 'r.lat', 'r.lng', 'r.address', 'r.answers', 'r.author_id', 'r.author_name', 'r.show_name',
      'r.source', 'r.token', 'r.duplicate_of_id', 'r.deadline_at', 'r.created_at', 'r.updated_at', 'r.closed_at', 'r.hidden_at',
      sql<string | null>`(select u.public_text from reports_update u where u.report_id = r.id and u.public_text is not null and u.hidden_at is null order by u.created_at desc, u.id desc limit 1)`.as('last_public_text'),
    ])
    .where('r.organisation_id', '=', organisationId);
  if (!filters.includeHidden) query = query.where('r.hidden_at', 'is', null);
  if (filters.ids?.length) query = query.where('r.id', 'in', filters.ids);
  if (filters.token) query = query.where('r.token', '=', filters.token);
  if (filters.categoryCodes?.length) query = query.where('c.code', 'in', filters.categoryCodes);
  if (filters.statuses?.length) query = query.where('r.status', 'in', filters.statuses);
  if (filters.isOpen !== undefined) query = query.where('r.is_open', '=', filters.isOpen);
  if (filters.departmentId !== undefined) query = query.where('r.department_id', '=', filters.departmentId);
  if (filters.districtId !== undefined) query = query.where('r.district_id', '=', filters.districtId);
  if (filters.createdFrom) query = query.where('r.created_at', '>=', filters.createdFrom);
  if (filters.createdTo) query = query.where('r.created_at', '<=', filters.createdTo);
  query =
    filters.order === 'deadline'
      ? query.orderBy('r.deadline_at', 'asc').orderBy('r.id', 'asc')
      : filters.order === 'updated'
        ? query.orderBy('r.updated_at', 'desc').orderBy('r.id', 'desc')
        : query.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc');
  const rows = await query.limit(filters.limit).offset(filters.offset ?? 0).execute();
  return rows.map((row) => ({
    id: Number(row.id),
    organisationId: row.organisation_id,
    categoryId: row.category_id,
    categoryCode: row.category_code,
    categoryName: parse(row.category_name),
    departmentId: row.department_id,
    departmentName: row.department_name ? parse(row.department_name) : null,
    districtId: row.district_id,
    status: row.status,
    isOpen: row.is_open,
    description: row.description,
    lat: row.lat,
    lng: row.lng,
    address: row.address,
    answers: parse(row.answers),
    authorId: row.author_id,
    authorName: row.author_name,
    showName: row.show_name,
    source: row.source,
    token: row.token,
    duplicateOfId: row.duplicate_of_id === null ? null : Number(row.duplicate_of_id),
    deadlineAt: row.deadline_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    hiddenAt: row.hidden_at,
    lastPublicText: row.last_public_text,
  }));
}

export async function findReportById(db: Executor, organisationId: number, id: number, includeHidden = false): Promise<ReportRow | undefined> {
  const [row] = await findReports(db, organisationId, { ids: [id], limit: 1, includeHidden });
  return row;
}

export interface PublicUpdate {
  id: number;
  reportId: number;
  kind: string;
  statusTo: string | null;
  isOpen: boolean;
  publicText: string | null;
  createdAt: Date;
}

/** Public history lines of all reports in a period, oldest first (Open311 servicerequestupdates). */
export async function findPublicUpdates(db: Executor, organisationId: number, from: Date, to: Date, limit: number): Promise<PublicUpdate[]> {
  const rows = await db
    .selectFrom('reports_update as u')
    .innerJoin('reports_report as r', 'r.id', 'u.report_id')
    .select(['u.id', 'u.report_id', 'u.kind', 'u.status_to', 'r.status', 'u.public_text', 'u.created_at'])
    .where('u.organisation_id', '=', organisationId)
    .where('u.hidden_at', 'is', null)
    .where('r.hidden_at', 'is', null)
    .where('u.created_at', '>=', from)
    .where('u.created_at', '<=', to)
    .orderBy('u.created_at')
    .orderBy('u.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    reportId: Number(row.report_id),
    kind: row.kind,
    statusTo: row.status_to,
    isOpen: ['new', 'confirmed', 'in_progress', 'planned'].includes(row.status_to ?? row.status),
    publicText: row.public_text,
    createdAt: row.created_at,
  }));
}
