import { recordAudit } from '../../../platform/audit.ts';
import type { Viewer } from '../../../platform/auth/users.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { Translated } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Organisation } from '../../../platform/organisations/organisations.ts';
import { findDistricts } from '../../places/index.ts';
import { findCategoryById, findQuestions } from '../report-categories.repository.ts';
import type { QuestionDatatype, QuestionOption } from '../reports.schema.ts';
import {
  categoryCodeTaken,
  deleteRoutingRule,
  findRoutingRules,
  insertCategory,
  replaceQuestions,
  updateCategory,
  upsertRoutingRule,
  type CategoryRecord,
  type QuestionRecord,
} from './categories.repository.ts';
import { authorize } from './staff.policy.ts';
import { findDepartmentIdsWithoutMembers, findDepartments } from './staff.repository.ts';
import type { FieldErrors, Outcome } from './staff.use-cases.ts';

export const DATATYPES: readonly QuestionDatatype[] = [
  'string',
  'text',
  'number',
  'datetime',
  'singlevaluelist',
  'multivaluelist',
];
const CODE = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const NAME_MAX = 120;
const DESCRIPTION_MAX = 500;
/** Questions a category may ask; more would make the report form a questionnaire. */
export const MAX_QUESTIONS = 20;

export interface QuestionInput {
  id?: number | undefined;
  code: string;
  datatype: string;
  required: boolean;
  label: Translated;
  /** One choice per line: `key = name in the first language | name in the second | …`. */
  options: string;
  remove: boolean;
}

export interface CategoryInput {
  code: string;
  group: Translated;
  name: Translated;
  description: Translated;
  keywords: string;
  deadlineDays: string;
  defaultDepartmentId: string;
  active: boolean;
  sort: string;
  questions: QuestionInput[];
}

function actorOf(viewer: Viewer) {
  return { id: viewer.id, label: viewer.displayName };
}

/** The non-empty translations of a staff-written text, trimmed, for the city's languages. */
function clean(value: Translated, languages: readonly string[], max: number): Translated {
  const out: Translated = {};
  for (const language of languages) {
    const text = value[language]?.trim();
    if (text) out[language] = text.slice(0, max);
  }
  return out;
}

/** Reads choices written one per line as `key = name | name | …`, the names in the order of `languages`. */
export function parseOptions(text: string, languages: readonly string[]): QuestionOption[] | undefined {
  const options: QuestionOption[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9][a-z0-9_-]{0,39})\s*=\s*(.+)$/.exec(line);
    if (!match) return undefined;
    const names = (match[2] as string).split('|').map((n) => n.trim());
    const name: Translated = {};
    languages.forEach((language, index) => {
      const value = names[index];
      if (value) name[language] = value.slice(0, NAME_MAX);
    });
    if (Object.keys(name).length === 0 || options.some((o) => o.key === match[1])) return undefined;
    options.push({ key: match[1] as string, name });
  }
  return options;
}

/** Writes choices back in the form `parseOptions` reads. */
export function formatOptions(options: QuestionOption[], languages: readonly string[]): string {
  return options
    .map(
      (option) =>
        `${option.key} = ${languages
          .map((language) => option.name[language] ?? '')
          .join(' | ')
          .replace(/( \| )+$/, '')}`,
    )
    .join('\n');
}

/** The snapshot of a category kept in the audit log. */
async function snapshot(ctx: AppContext, organisationId: number, id: number) {
  const category = await findCategoryById(ctx.db, organisationId, id);
  if (!category) return null;
  const questions = await findQuestions(ctx.db, id);
  return {
    ...category,
    questions: questions.map(({ code, datatype, required, label, options }) => ({
      code,
      datatype,
      required,
      label,
      options,
    })),
  };
}

/**
 * Creates a category (`id` undefined) or changes one, with its questions, after checking every field:
 * a unique code, a name in the city's main language, a deadline in days, a known department, and for
 * each question a unique code, a label and, for choices, at least one choice. Audited with before and after.
 */
export async function saveCategory(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number | undefined,
  input: CategoryInput,
): Promise<Outcome<{ id: number }>> {
  authorize(viewer, 'configure');
  const languages = organisation.languages;
  const main = organisation.defaultLanguage;
  const errors: FieldErrors = {};
  const code = input.code.trim().toLowerCase();
  if (!CODE.test(code)) errors.code = 'code';
  else if (await categoryCodeTaken(ctx.db, organisation.id, code, id)) errors.code = 'codeTaken';
  const name = clean(input.name, languages, NAME_MAX);
  if (!name[main]) errors[`name_${main}`] = 'name';
  const group = clean(input.group, languages, NAME_MAX);
  if (!group[main]) errors[`group_${main}`] = 'group';
  const days = Number(input.deadlineDays.replace(',', '.'));
  if (!Number.isFinite(days) || days < 0.25 || days > 365) errors.deadlineDays = 'deadline';
  const sort = input.sort.trim() === '' ? 0 : Number(input.sort);
  if (!Number.isSafeInteger(sort) || Math.abs(sort) > 10_000) errors.sort = 'sort';
  let defaultDepartmentId: number | null = null;
  if (input.defaultDepartmentId) {
    const department = (await findDepartments(ctx.db, organisation.id)).find(
      (d) => String(d.id) === input.defaultDepartmentId && !d.archived,
    );
    if (!department) errors.defaultDepartmentId = 'department';
    else defaultDepartmentId = department.id;
  }

  const existing = id === undefined ? [] : await findQuestions(ctx.db, id);
  const questions: QuestionRecord[] = [];
  input.questions.forEach((question, index) => {
    const blank =
      !question.code.trim() && Object.values(question.label).every((text) => !text.trim()) && !question.options.trim();
    if (question.remove || (question.id === undefined && blank)) return;
    const prefix = `q${index}`;
    if (question.id !== undefined && !existing.some((q) => q.id === question.id))
      throw new AppError('VALIDATION_FAILED', 'This question belongs to another category.');
    const questionCode = question.code.trim().toLowerCase();
    if (!CODE.test(questionCode)) errors[`${prefix}_code`] = 'questionCode';
    else if (questions.some((q) => q.code === questionCode)) errors[`${prefix}_code`] = 'questionCodeTwice';
    const datatype = DATATYPES.find((d) => d === question.datatype);
    if (!datatype) errors[`${prefix}_datatype`] = 'datatype';
    const label = clean(question.label, languages, 200);
    if (!label[main]) errors[`${prefix}_label_${main}`] = 'questionLabel';
    const choice = datatype === 'singlevaluelist' || datatype === 'multivaluelist';
    const options = choice ? parseOptions(question.options, languages) : [];
    if (choice && (!options || options.length === 0)) errors[`${prefix}_options`] = 'options';
    questions.push({
      id: question.id,
      code: questionCode,
      datatype: datatype ?? 'string',
      required: question.required,
      label,
      options: options ?? [],
      sort: questions.length,
    });
  });
  if (questions.length > MAX_QUESTIONS) errors.questions = 'tooManyQuestions';
  if (Object.keys(errors).length) return { ok: false, code: 'VALIDATION_FAILED', fields: errors };

  const record: CategoryRecord = {
    code,
    group,
    name,
    description: clean(input.description, languages, DESCRIPTION_MAX),
    keywords: input.keywords.trim().slice(0, 300),
    expectedHours: Math.max(1, Math.round(days * 24)),
    defaultDepartmentId,
    active: input.active,
    sort,
  };
  const before = id === undefined ? null : await snapshot(ctx, organisation.id, id);
  if (id !== undefined && !before) throw new AppError('NOT_FOUND');
  const savedId = await ctx.db.transaction().execute(async (tx) => {
    const categoryId = id ?? (await insertCategory(tx, organisation.id, record));
    if (id !== undefined) await updateCategory(tx, organisation.id, id, record);
    await replaceQuestions(tx, organisation.id, categoryId, questions);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: id === undefined ? 'report.category.create' : 'report.category.update',
      subjectType: 'report_category',
      subjectId: categoryId,
      before,
      after: {
        ...record,
        questions: questions.map(({ code: c, datatype, required, label, options }) => ({
          code: c,
          datatype,
          required,
          label,
          options,
        })),
      },
    });
    return categoryId;
  });
  return { ok: true, id: savedId };
}

/**
 * Sends a category's reports in a district (or in the whole city, `districtId` null) to a department;
 * replaces the rule already there. Audited with the department before and after.
 */
export async function setRoutingRule(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  input: { categoryId: number | undefined; districtId: number | null; departmentId: number | undefined },
): Promise<Outcome<{ departmentWithoutMembers: boolean }>> {
  authorize(viewer, 'configure');
  const errors: FieldErrors = {};
  const category =
    input.categoryId === undefined ? undefined : await findCategoryById(ctx.db, organisation.id, input.categoryId);
  if (!category) errors.categoryId = 'routingCategory';
  if (
    input.districtId !== null &&
    !(await findDistricts(ctx.db, organisation.id)).some((d) => d.id === input.districtId)
  )
    errors.districtId = 'routingDistrict';
  const department = (await findDepartments(ctx.db, organisation.id)).find(
    (d) => d.id === input.departmentId && !d.archived,
  );
  if (!department) errors.departmentId = 'routingDepartment';
  if (!category || !department || Object.keys(errors).length)
    return { ok: false, code: 'VALIDATION_FAILED', fields: errors };
  await ctx.db.transaction().execute(async (tx) => {
    const before = (await findRoutingRules(tx, organisation.id)).find(
      (r) => r.categoryId === category.id && r.districtId === input.districtId,
    );
    await upsertRoutingRule(tx, organisation.id, {
      categoryId: category.id,
      districtId: input.districtId,
      departmentId: department.id,
    });
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'report.routing.set',
      subjectType: 'report_routing_rule',
      subjectId: `${category.code}/${input.districtId ?? 'city'}`,
      before: before ? { departmentId: before.departmentId } : null,
      after: { categoryId: category.id, districtId: input.districtId, departmentId: department.id },
    });
  });
  // Saved all the same (a city may set its routing up before staffing a department), but the page says
  // that nobody will see these reports until someone joins the department.
  const departmentWithoutMembers = (await findDepartmentIdsWithoutMembers(ctx.db, organisation.id)).includes(
    department.id,
  );
  return { ok: true, departmentWithoutMembers };
}

/** Removes a routing rule; reports then follow the city-wide rule or the category's default department. */
export async function removeRoutingRule(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  id: number,
): Promise<void> {
  authorize(viewer, 'configure');
  await ctx.db.transaction().execute(async (tx) => {
    const removed = await deleteRoutingRule(tx, organisation.id, id);
    if (!removed) throw new AppError('NOT_FOUND');
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: actorOf(viewer),
      action: 'report.routing.delete',
      subjectType: 'report_routing_rule',
      subjectId: id,
      before: removed,
      after: null,
    });
  });
}
