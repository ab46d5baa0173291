import { sql } from 'kysely';
import type { Executor } from '../../../platform/db/database.ts';
import type { Translated } from '../../../platform/db/schema.ts';
import type { QuestionDatatype, QuestionOption } from '../reports.schema.ts';

/** A category as the administration edits it (the resident-facing `Category` plus its order). */
export interface CategoryRecord {
  code: string;
  group: Translated;
  name: Translated;
  description: Translated;
  keywords: string;
  expectedHours: number;
  defaultDepartmentId: number | null;
  active: boolean;
  sort: number;
}

export interface QuestionRecord {
  /** Absent for a question being added. */
  id?: number | undefined;
  code: string;
  datatype: QuestionDatatype;
  required: boolean;
  label: Translated;
  options: QuestionOption[];
  sort: number;
}

/** Whether another category of the city already uses this code. */
export async function categoryCodeTaken(
  db: Executor,
  organisationId: number,
  code: string,
  exceptId?: number,
): Promise<boolean> {
  let query = db
    .selectFrom('reports_category')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('code', '=', code);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertCategory(db: Executor, organisationId: number, category: CategoryRecord): Promise<number> {
  const row = await db
    .insertInto('reports_category')
    .values({
      organisation_id: organisationId,
      code: category.code,
      group_name: JSON.stringify(category.group),
      name: JSON.stringify(category.name),
      description: JSON.stringify(category.description),
      keywords: category.keywords,
      expected_hours: category.expectedHours,
      default_department_id: category.defaultDepartmentId,
      active: category.active,
      sort: category.sort,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateCategory(
  db: Executor,
  organisationId: number,
  id: number,
  category: CategoryRecord,
): Promise<void> {
  await db
    .updateTable('reports_category')
    .set({
      code: category.code,
      group_name: JSON.stringify(category.group),
      name: JSON.stringify(category.name),
      description: JSON.stringify(category.description),
      keywords: category.keywords,
      expected_hours: category.expectedHours,
      default_department_id: category.defaultDepartmentId,
      active: category.active,
      sort: category.sort,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();
}

/**
 * Makes a category's questions exactly `questions`: those with an id are updated, those without are
 * added, and the others are deleted (reports keep the answers they were given).
 */
export async function replaceQuestions(
  db: Executor,
  organisationId: number,
  categoryId: number,
  questions: QuestionRecord[],
): Promise<void> {
  const keep = questions.flatMap((q) => (q.id === undefined ? [] : [q.id]));
  let removal = db.deleteFrom('reports_question').where('category_id', '=', categoryId);
  if (keep.length) removal = removal.where('id', 'not in', keep);
  await removal.execute();
  // codes are unique per category: park the kept ones on temporary codes first, so two questions can swap codes
  if (keep.length)
    await db
      .updateTable('reports_question')
      .set({ code: sql<string>`'~' || id` })
      .where('category_id', '=', categoryId)
      .where('id', 'in', keep)
      .execute();
  for (const question of questions) {
    const values = {
      code: question.code,
      datatype: question.datatype,
      required: question.required,
      label: JSON.stringify(question.label),
      options: JSON.stringify(question.options),
      sort: question.sort,
    };
    if (question.id === undefined) {
      await db
        .insertInto('reports_question')
        .values({ organisation_id: organisationId, category_id: categoryId, help: '{}', ...values })
        .execute();
    } else {
      await db
        .updateTable('reports_question')
        .set(values)
        .where('category_id', '=', categoryId)
        .where('id', '=', question.id)
        .execute();
    }
  }
}

export interface RoutingRule {
  id: number;
  categoryId: number;
  districtId: number | null;
  departmentId: number;
}

/** Every routing rule of the city. */
export async function findRoutingRules(db: Executor, organisationId: number): Promise<RoutingRule[]> {
  const rows = await db
    .selectFrom('reports_routing_rule')
    .select(['id', 'category_id', 'district_id', 'department_id'])
    .where('organisation_id', '=', organisationId)
    .orderBy('category_id')
    .orderBy('district_id', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    categoryId: row.category_id,
    districtId: row.district_id,
    departmentId: row.department_id,
  }));
}

/** Sets the department for a category in a district (or city-wide when `districtId` is null), replacing any rule there. */
export async function upsertRoutingRule(
  db: Executor,
  organisationId: number,
  rule: Omit<RoutingRule, 'id'>,
): Promise<void> {
  await db
    .insertInto('reports_routing_rule')
    .values({
      organisation_id: organisationId,
      category_id: rule.categoryId,
      district_id: rule.districtId,
      department_id: rule.departmentId,
    })
    .onConflict((oc) =>
      oc.expression(sql`category_id, coalesce(district_id, 0)`).doUpdateSet({ department_id: rule.departmentId }),
    )
    .execute();
}

export async function deleteRoutingRule(
  db: Executor,
  organisationId: number,
  id: number,
): Promise<RoutingRule | undefined> {
  const row = await db
    .deleteFrom('reports_routing_rule')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .returning(['id', 'category_id', 'district_id', 'department_id'])
    .executeTakeFirst();
  return row
    ? { id: row.id, categoryId: row.category_id, districtId: row.district_id, departmentId: row.department_id }
    : undefined;
}

/** How many questions a category asks. */
export interface QuestionCount {
  category_id: number;
  n: number;
}

/** How many questions each category of the city asks (categories without questions are absent). */
export async function countQuestionsByCategory(db: Executor, organisationId: number): Promise<QuestionCount[]> {
  return db
    .selectFrom('reports_question')
    .select(['category_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organisation_id', '=', organisationId)
    .groupBy('category_id')
    .execute();
}

/** A category's place in the list. */
export async function findCategorySort(db: Executor, categoryId: number): Promise<number> {
  const row = await db
    .selectFrom('reports_category')
    .select('sort')
    .where('id', '=', categoryId)
    .executeTakeFirstOrThrow();
  return row.sort;
}
