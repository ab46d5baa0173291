import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { findDistrictsAt } from '../places/index.ts';
import type { Tx } from '../../platform/db/database.ts';
import { findCategoryByCode, findDepartmentFor, findQuestions, type Category, type Question } from './reports.repository.ts';
import { tileX, tileY } from './tiles.ts';

export const MAX_DESCRIPTION = 4000;

export interface ReportSubmission {
  categoryCode: string;
  lat: number;
  lng: number;
  description: string;
  address?: string | undefined;
  answers?: Record<string, string | string[]>;
  authorId?: number | null;
  authorName?: string | undefined;
  authorEmail?: string | undefined;
  showName?: boolean;
  source: 'web' | 'open311' | 'inbox' | 'staff';
  apiKeyId?: number | null;
  /** Work that must commit with the report (attaching photos, subscribing the author); runs in its transaction. */
  afterInsert?: (tx: Tx, reportId: number) => Promise<void>;
}

export interface SubmissionProblem {
  code: string;
  field: string;
  message: string;
}

export type SubmitOutcome = { ok: true; id: number; token: string; departmentId: number | null } | { invalid: SubmissionProblem[] };

/** Checks answers against a category's questions: required ones present, values of the right type and list. */
export function checkAnswers(questions: Question[], answers: Record<string, string | string[]>): SubmissionProblem[] {
  const problems: SubmissionProblem[] = [];
  for (const question of questions) {
    const raw = answers[question.code];
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => v.trim()).filter(Boolean);
    const field = `attribute[${question.code}]`;
    if (values.length === 0) {
      if (question.required) problems.push({ code: 'REPORT_MISSING_ANSWER', field, message: `The question "${question.label.en ?? question.code}" (${question.code}) needs an answer.` });
      continue;
    }
    const keys = new Set(question.options.map((option) => option.key));
    const bad = (why: string) => problems.push({ code: 'REPORT_INVALID_ANSWER', field, message: `The answer to ${question.code} ${why}.` });
    switch (question.datatype) {
      case 'number':
        if (values.length > 1 || !Number.isFinite(Number(values[0]))) bad('must be one number');
        break;
      case 'datetime':
        if (values.length > 1 || Number.isNaN(Date.parse(values[0] as string))) bad('must be one date (ISO 8601)');
        break;
      case 'singlevaluelist':
        if (values.length > 1 || !keys.has(values[0] as string)) bad(`must be one of ${[...keys].join(', ')}`);
        break;
      case 'multivaluelist':
        if (values.some((value) => !keys.has(value))) bad(`must be among ${[...keys].join(', ')}`);
        break;
      default:
        if (values.length > 1 || (values[0] as string).length > 1000) bad('must be one text of at most 1,000 characters');
    }
  }
  return problems;
}

export interface SubmissionCheck {
  problems: SubmissionProblem[];
  category: Category | undefined;
  districts: Awaited<ReturnType<typeof findDistrictsAt>>;
}

/**
 * Validates a submission completely without storing anything: description, location inside the city,
 * category and its answers. Pages use it to show every problem at once and to look for similar
 * reports before sending; `submitReport` runs it again.
 */
export async function checkSubmission(ctx: AppContext, organisation: Organisation, input: ReportSubmission): Promise<SubmissionCheck> {
  const problems: SubmissionProblem[] = [];
  const description = input.description.trim();
  // Open311 makes the description optional; residents on the city's own pages are asked for one
  if (!description && input.source !== 'open311') problems.push({ code: 'REPORT_DESCRIPTION_REQUIRED', field: 'description', message: 'Describe the problem.' });
  if (description.length > MAX_DESCRIPTION) problems.push({ code: 'REPORT_DESCRIPTION_TOO_LONG', field: 'description', message: `The description has ${description.length} characters; at most ${MAX_DESCRIPTION} are accepted.` });
  const validLocation = Number.isFinite(input.lat) && Number.isFinite(input.lng) && Math.abs(input.lat) <= 90 && Math.abs(input.lng) <= 180;
  if (!validLocation) problems.push({ code: 'REPORT_INVALID_LOCATION', field: 'lat', message: 'The location must be a latitude from -90 to 90 and a longitude from -180 to 180.' });

  const category = await findCategoryByCode(ctx.db, organisation.id, input.categoryCode);
  if (!category || !category.active) {
    problems.push({ code: 'REPORT_UNKNOWN_CATEGORY', field: 'service_code', message: `There is no category "${input.categoryCode}".` });
  } else {
    problems.push(...checkAnswers(await findQuestions(ctx.db, category.id), input.answers ?? {}));
  }

  let districts: Awaited<ReturnType<typeof findDistrictsAt>> = [];
  if (validLocation) {
    districts = await findDistrictsAt(ctx.db, organisation.id, input.lng, input.lat);
    if (districts.length === 0 && (await cityHasDistricts(ctx, organisation.id))) {
      problems.push({ code: 'REPORT_OUTSIDE_CITY', field: 'lat', message: 'This place is outside the city. Choose a place within its districts.' });
    }
  }
  return { problems, category: category && category.active ? category : undefined, districts };
}

/**
 * Takes a report from any channel: validates it completely, finds its district and the department in
 * charge, sets its deadline, and stores it with its first history line in one transaction. A report
 * this returns `ok` for is committed to the database before the caller acknowledges it.
 */
export async function submitReport(ctx: AppContext, organisation: Organisation, input: ReportSubmission): Promise<SubmitOutcome> {
  const { problems, category, districts } = await checkSubmission(ctx, organisation, input);
  const description = input.description.trim();
  if (problems.length > 0 || !category) return { invalid: problems };

  const departmentId = await findDepartmentFor(ctx.db, category, districts.map((district) => district.id));
  const districtId = districts.find((d) => d.kind === 'district')?.id ?? districts[0]?.id ?? null;
  const token = randomBytes(12).toString('hex');
  const now = new Date();
  const id = await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('reports_report')
      .values({
        organisation_id: organisation.id,
        category_id: category.id,
        department_id: departmentId,
        district_id: districtId,
        description,
        lat: input.lat,
        lng: input.lng,
        tile_x: tileX(input.lng),
        tile_y: tileY(input.lat),
        address: input.address?.trim().slice(0, 300) || null,
        answers: JSON.stringify(input.answers ?? {}),
        author_id: input.authorId ?? null,
        author_name: input.authorName?.trim().slice(0, 120) || null,
        author_email: input.authorEmail?.trim().toLowerCase() || null,
        show_name: input.showName ?? false,
        source: input.source,
        api_key_id: input.apiKeyId ?? null,
        token,
        duplicate_of_id: null,
        // One instant for all three, so that the deadline is exactly the category's time after creation.
        created_at: now,
        deadline_at: new Date(now.getTime() + category.expectedHours * 3_600_000),
        updated_at: now,
        closed_at: null,
        hidden_at: null,
        hidden_reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('reports_update')
      .values({
        organisation_id: organisation.id,
        report_id: row.id,
        kind: 'created',
        author_id: input.authorId ?? null,
        author_label: null,
        status_from: null,
        status_to: 'new',
        public_text: null,
        internal_note: null,
        details: JSON.stringify({ departmentId, source: input.source }),
        hidden_at: null,
      })
      .execute();
    await input.afterInsert?.(tx, row.id);
    return row.id;
  });
  return { ok: true, id, token, departmentId };
}

async function cityHasDistricts(ctx: AppContext, organisationId: number): Promise<boolean> {
  const row = await ctx.db.selectFrom('places_district').select('id').where('organisation_id', '=', organisationId).limit(1).executeTakeFirst();
  return row !== undefined;
}
