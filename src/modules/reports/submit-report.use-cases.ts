import { recordEvent } from '../../platform/events.ts';
import { reportCreated } from './reports.events.ts';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import type { Executor, Tx } from '../../platform/db/database.ts';
import { containsPoint, type District } from '../places/index.ts';
import {
  currentIntakeConfiguration,
  departmentFor,
  forgetIntakeConfiguration,
  intakeConfiguration,
  isCurrent,
  type IntakeConfiguration,
} from './intake-configuration.ts';
import { storeReport, type StoreOutcome } from './intake.repository.ts';
import type { Category, Question } from './report-categories.repository.ts';
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
  /** Work that must commit with the report (attaching photos, subscribing the author); runs in its transaction. */
  afterInsert?: (tx: Tx, reportId: number) => Promise<void>;
}

/** A report that came with an API key (Open311): stored with the key, and refused if the key is revoked. */
export interface KeyedReportSubmission extends ReportSubmission {
  apiKeyId: number;
}

export interface SubmissionProblem {
  code: string;
  field: string;
  message: string;
}

export type SubmitOutcome =
  { ok: true; id: number; token: string; departmentId: number | null } | { invalid: SubmissionProblem[] };

/** Checks answers against a category's questions: required ones present, values of the right type and list. */
export function checkAnswers(questions: Question[], answers: Record<string, string | string[]>): SubmissionProblem[] {
  const problems: SubmissionProblem[] = [];
  for (const question of questions) {
    const raw = answers[question.code];
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => v.trim()).filter(Boolean);
    const field = `attribute[${question.code}]`;
    if (values.length === 0) {
      if (question.required)
        problems.push({
          code: 'REPORT_MISSING_ANSWER',
          field,
          message: `The question "${question.label.en ?? question.code}" (${question.code}) needs an answer.`,
        });
      continue;
    }
    const keys = new Set(question.options.map((option) => option.key));
    const bad = (why: string) =>
      problems.push({ code: 'REPORT_INVALID_ANSWER', field, message: `The answer to ${question.code} ${why}.` });
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
        if (values.length > 1 || (values[0] as string).length > 1000)
          bad('must be one text of at most 1,000 characters');
    }
  }
  return problems;
}

export interface SubmissionCheck {
  problems: SubmissionProblem[];
  category: Category | undefined;
  districts: District[];
}

/**
 * Validates a submission completely without storing anything: description, location inside the city,
 * category and its answers. Pages use it to show every problem at once and to look for similar
 * reports before sending; `submitReport` runs it again.
 */
export async function checkSubmission(
  ctx: AppContext,
  organisation: Organisation,
  input: ReportSubmission,
): Promise<SubmissionCheck> {
  return check(await currentIntakeConfiguration(ctx, organisation.id), input);
}

function check(configuration: IntakeConfiguration, input: ReportSubmission): SubmissionCheck {
  const problems: SubmissionProblem[] = [];
  const description = input.description.trim();
  // Open311 makes the description optional; residents on the city's own pages are asked for one
  if (!description && input.source !== 'open311')
    problems.push({ code: 'REPORT_DESCRIPTION_REQUIRED', field: 'description', message: 'Describe the problem.' });
  if (description.length > MAX_DESCRIPTION)
    problems.push({
      code: 'REPORT_DESCRIPTION_TOO_LONG',
      field: 'description',
      message: `The description has ${description.length} characters; at most ${MAX_DESCRIPTION} are accepted.`,
    });
  const validLocation =
    Number.isFinite(input.lat) && Number.isFinite(input.lng) && Math.abs(input.lat) <= 90 && Math.abs(input.lng) <= 180;
  if (!validLocation)
    problems.push({
      code: 'REPORT_INVALID_LOCATION',
      field: 'lat',
      message: 'The location must be a latitude from -90 to 90 and a longitude from -180 to 180.',
    });

  const entry = configuration.categories.get(input.categoryCode);
  const category = entry?.category.active ? entry.category : undefined;
  if (!entry || !category) {
    problems.push({
      code: 'REPORT_UNKNOWN_CATEGORY',
      field: 'service_code',
      message: `There is no category "${input.categoryCode}".`,
    });
  } else {
    problems.push(...checkAnswers(entry.questions, input.answers ?? {}));
  }

  let districts: District[] = [];
  if (validLocation) {
    districts = configuration.districts
      .filter((district) => containsPoint(district.geometry, input.lng, input.lat))
      .map(({ geometry: _geometry, ...district }) => district);
    if (districts.length === 0 && configuration.districts.length > 0) {
      problems.push({
        code: 'REPORT_OUTSIDE_CITY',
        field: 'lat',
        message: 'This place is outside the city. Choose a place within its districts.',
      });
    }
  }
  return { problems, category, districts };
}

/** A report with an API key (Open311) whose key was revoked since the caller verified it: nothing is stored. */
export interface KeyRefused {
  refused: 'api_key';
}

/**
 * Takes a report from any channel — the resident's form, Open311, the inbox — the one way a report
 * comes in: validates it completely against the city's intake configuration (kept in memory, see
 * intake-configuration.ts), finds its district and the department in charge, sets its deadline, and
 * stores it with its first history line in one call of `reports_submit`: one round trip, one commit,
 * which also confirms that the configuration is still current (else it is read again and the report
 * checked again) and, for a report with `apiKeyId`, that the key is not revoked (so a caller may cache
 * a verified key). With `afterInsert`, that call and the caller's work share a transaction. A report
 * this returns `ok` for is committed to the database before the caller acknowledges it.
 */
export async function submitReport(
  ctx: AppContext,
  organisation: Organisation,
  input: KeyedReportSubmission,
): Promise<SubmitOutcome | KeyRefused>;
export async function submitReport(
  ctx: AppContext,
  organisation: Organisation,
  input: ReportSubmission & { apiKeyId?: undefined },
): Promise<SubmitOutcome>;
export async function submitReport(
  ctx: AppContext,
  organisation: Organisation,
  input: ReportSubmission & { apiKeyId?: number },
): Promise<SubmitOutcome | KeyRefused> {
  for (let attempt = 1; ; attempt++) {
    const configuration = await intakeConfiguration(ctx, organisation.id);
    const outcome = await checkAndStore(ctx, configuration, input);
    if (outcome !== 'outdated') return outcome;
    forgetIntakeConfiguration(ctx, organisation.id);
    if (attempt === 5) throw new Error('the intake configuration kept changing while a report was stored');
  }
}

async function checkAndStore(
  ctx: AppContext,
  configuration: IntakeConfiguration,
  input: ReportSubmission & { apiKeyId?: number },
): Promise<SubmitOutcome | KeyRefused | 'outdated'> {
  const { problems, category, districts } = check(configuration, input);
  if (problems.length > 0 || !category) {
    // a refusal must not come from an outdated configuration either
    return (await isCurrent(ctx, configuration)) ? { invalid: problems } : 'outdated';
  }

  const departmentId = departmentFor(
    configuration,
    category,
    districts.map((district) => district.id),
  );
  const token = randomBytes(12).toString('hex');
  const districtId = districts.find((d) => d.kind === 'district')?.id ?? districts[0]?.id ?? null;
  // One instant for creation, last change and deadline, so that the deadline is exactly the category's time after creation.
  const now = new Date();
  const store = (db: Executor): Promise<StoreOutcome> =>
    storeReport(db, {
      intake_version: configuration.version.intake,
      places_version: configuration.version.places,
      organisation_id: configuration.organisationId,
      category_id: category.id,
      department_id: departmentId,
      district_id: districtId,
      description: input.description.trim(),
      lat: input.lat,
      lng: input.lng,
      tile_x: tileX(input.lng),
      tile_y: tileY(input.lat),
      address: input.address?.trim().slice(0, 300) || null,
      answers: input.answers ?? {},
      author_id: input.authorId ?? null,
      author_name: input.authorName?.trim().slice(0, 120) || null,
      author_email: input.authorEmail?.trim().toLowerCase() || null,
      show_name: input.showName ?? false,
      source: input.source,
      api_key_id: input.apiKeyId ?? null,
      token,
      created_at: now,
      deadline_at: new Date(now.getTime() + category.expectedHours * 3_600_000),
    });
  const { afterInsert } = input;
  const stored = await ctx.db.transaction().execute(async (tx) => {
    const outcome = await store(tx);
    if (typeof outcome !== 'object') return outcome;
    await afterInsert?.(tx, outcome.id);
    await recordEvent(
      tx,
      configuration.organisationId,
      'report.created',
      reportCreated(outcome.id, category.id, districtId),
    );
    return outcome;
  });
  if (stored === 'outdated') return 'outdated';
  if (stored === 'key refused') return { refused: 'api_key' };
  return { ok: true, id: stored.id, token, departmentId };
}
