// What the city offers to report: categories, their questions and the routing rules (the intake
// configuration, the report form, Open311 services, filters).

import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { parseJsonColumn } from './column-values.ts';
import type { QuestionDatatype, QuestionOption } from './reports.schema.ts';

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

const categoryColumns = [
  'id',
  'code',
  'group_name',
  'name',
  'description',
  'keywords',
  'expected_hours',
  'default_department_id',
  'active',
] as const;

function toCategory(row: {
  id: number;
  code: string;
  group_name: Translated | string;
  name: Translated | string;
  description: Translated | string;
  keywords: string;
  expected_hours: number;
  default_department_id: number | null;
  active: boolean;
}): Category {
  return {
    id: row.id,
    code: row.code,
    group: parseJsonColumn(row.group_name),
    name: parseJsonColumn(row.name),
    description: parseJsonColumn(row.description),
    keywords: row.keywords,
    expectedHours: row.expected_hours,
    defaultDepartmentId: row.default_department_id,
    active: row.active,
  };
}

/** The city's categories in display order; only those residents can choose unless `includeInactive`. */
export async function findCategories(
  db: Executor,
  organisationId: number,
  includeInactive = false,
): Promise<Category[]> {
  let query = db.selectFrom('reports_category').select(categoryColumns).where('organisation_id', '=', organisationId);
  if (!includeInactive) query = query.where('active', '=', true);
  const rows = await query.orderBy('sort').orderBy('code').execute();
  return rows.map(toCategory);
}

export async function findCategoryByCode(
  db: Executor,
  organisationId: number,
  code: string,
): Promise<Category | undefined> {
  const row = await db
    .selectFrom('reports_category')
    .select(categoryColumns)
    .where('organisation_id', '=', organisationId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row ? toCategory(row) : undefined;
}

export async function findCategoryById(
  db: Executor,
  organisationId: number,
  id: number,
): Promise<Category | undefined> {
  const row = await db
    .selectFrom('reports_category')
    .select(categoryColumns)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toCategory(row) : undefined;
}

function toQuestion(row: {
  id: number;
  category_id: number;
  code: string;
  datatype: QuestionDatatype;
  required: boolean;
  label: Translated | string;
  help: Translated | string;
  options: QuestionOption[] | string;
  sort: number;
}): Question {
  return {
    id: row.id,
    categoryId: row.category_id,
    code: row.code,
    datatype: row.datatype,
    required: row.required,
    label: parseJsonColumn(row.label),
    help: parseJsonColumn(row.help),
    options: parseJsonColumn(row.options),
    sort: row.sort,
  };
}

/** The questions of one category, in order. */
export async function findQuestions(db: Executor, categoryId: number): Promise<Question[]> {
  const rows = await db
    .selectFrom('reports_question')
    .selectAll()
    .where('category_id', '=', categoryId)
    .orderBy('sort')
    .orderBy('id')
    .execute();
  return rows.map(toQuestion);
}

/** The questions of all of a city's categories, in order within each category (intake configuration). */
export async function findCityQuestions(db: Executor, organisationId: number): Promise<Question[]> {
  const rows = await db
    .selectFrom('reports_question')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('category_id')
    .orderBy('sort')
    .orderBy('id')
    .execute();
  return rows.map(toQuestion);
}

export interface RoutingRule {
  categoryId: number;
  districtId: number | null;
  departmentId: number;
}

/** All routing rules of a city (intake configuration); `departmentFor` in intake-configuration.ts says how they apply. */
export async function findRoutingRules(db: Executor, organisationId: number): Promise<RoutingRule[]> {
  const rows = await db
    .selectFrom('reports_routing_rule')
    .select(['category_id', 'district_id', 'department_id'])
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    categoryId: row.category_id,
    districtId: row.district_id,
    departmentId: row.department_id,
  }));
}

/** The ids of the city's categories that ask questions. */
export async function findCategoryIdsWithQuestions(db: Executor, organisationId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('reports_question')
    .select('category_id')
    .where('organisation_id', '=', organisationId)
    .groupBy('category_id')
    .execute();
  return new Set(rows.map((row) => row.category_id));
}
