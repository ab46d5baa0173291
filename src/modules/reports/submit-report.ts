import { randomBytes } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import type { AppContext } from '../../platform/context.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { containsPoint, findDistrictsWithGeometry, type District, type DistrictWithGeometry } from '../places/index.ts';
import type { Executor, Tx } from '../../platform/db/database.ts';
import {
  findCategories,
  findCityQuestions,
  findRoutingRules,
  type Category,
  type Question,
  type RoutingRule,
} from './reports.repository.ts';
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

/** The call of `reports_submit` (migration 20261123_0330), written once: intake sends it as it is. */
const SUBMIT_SQL = `select fresh, admitted, new_id from reports_submit($1::bigint, $2::integer, $3::integer, $4::integer, $5::integer, $6::integer,
  $7::text, $8::double precision, $9::double precision, $10::integer, $11::integer, $12::text, $13::jsonb, $14::integer, $15::text, $16::text,
  $17::boolean, $18::text, $19::integer, $20::text, $21::timestamptz, $22::timestamptz, $23::jsonb)`;

/** At most this long a process keeps a city's intake configuration (memory only: staleness is checked by version). */
const INTAKE_CONFIGURATION_MS = 10 * 60_000;

/**
 * What intake needs to know about a city, read in four queries and kept in memory: its categories
 * with their questions, the routing rules and the districts with their outlines, so that a report is
 * validated and routed without a query. `version` is `reports_intake_version` when it was read;
 * triggers change that number on any write to those tables, and the statement that stores a report
 * checks it: a report checked against an outdated configuration is not stored, the configuration is
 * read again and the report checked again. So staff changes apply at once, in every process.
 */
interface IntakeConfiguration {
  version: string;
  categories: Map<string, { category: Category; questions: Question[] }>;
  rules: Map<number, RoutingRule[]>;
  districts: DistrictWithGeometry[];
}

type CachedConfigurations = Map<number, { expires: number; configuration: Promise<IntakeConfiguration> }>;
/** Per database handle (a test process may run several platforms), then per city. */
const configurationsByDatabase = new WeakMap<Executor, CachedConfigurations>();

function configurationsOf(db: Executor): CachedConfigurations {
  let configurations = configurationsByDatabase.get(db);
  if (!configurations) {
    configurations = new Map();
    configurationsByDatabase.set(db, configurations);
  }
  return configurations;
}

async function intakeVersion(db: Executor): Promise<string> {
  const row = await sql<{ version: string }>`select version::text as version from reports_intake_version`.execute(db);
  return row.rows[0]?.version ?? '0';
}

async function loadIntakeConfiguration(db: Executor, organisationId: number): Promise<IntakeConfiguration> {
  // the version first: a change committed while the rest is read only causes one more reload
  const version = await intakeVersion(db);
  const [categories, questions, rules, districts] = await Promise.all([
    findCategories(db, organisationId, true),
    findCityQuestions(db, organisationId),
    findRoutingRules(db, organisationId),
    findDistrictsWithGeometry(db, organisationId),
  ]);
  const byCategory = new Map<number, { category: Category; questions: Question[] }>(
    categories.map((category) => [category.id, { category, questions: [] }]),
  );
  for (const question of questions) byCategory.get(question.categoryId)?.questions.push(question);
  const rulesByCategory = new Map<number, RoutingRule[]>();
  for (const rule of rules)
    rulesByCategory.set(rule.categoryId, [...(rulesByCategory.get(rule.categoryId) ?? []), rule]);
  return {
    version,
    categories: new Map([...byCategory.values()].map((entry) => [entry.category.code, entry])),
    rules: rulesByCategory,
    districts,
  };
}

function intakeConfiguration(ctx: AppContext, organisationId: number): Promise<IntakeConfiguration> {
  const configurations = configurationsOf(ctx.db);
  const cached = configurations.get(organisationId);
  if (cached && cached.expires > Date.now()) return cached.configuration;
  const configuration = loadIntakeConfiguration(ctx.db, organisationId);
  configurations.set(organisationId, { expires: Date.now() + INTAKE_CONFIGURATION_MS, configuration });
  configuration.catch(() => configurations.delete(organisationId));
  return configuration;
}

/** Makes the next intake in this process read the city's categories, questions, rules and districts again. */
function forgetIntakeConfiguration(ctx: AppContext, organisationId: number): void {
  configurationsOf(ctx.db).delete(organisationId);
}

/**
 * The department in charge of a category in these districts: the rule for one of the districts (in
 * the order given: districts before neighbourhoods), else the category's city-wide rule, else the
 * category's default department. The same rules as `findDepartmentFor`, from the cached configuration.
 */
function departmentFor(configuration: IntakeConfiguration, category: Category, districtIds: number[]): number | null {
  const rules = configuration.rules.get(category.id) ?? [];
  for (const districtId of districtIds) {
    const rule = rules.find((r) => r.districtId === districtId);
    if (rule) return rule.departmentId;
  }
  return rules.find((r) => r.districtId === null)?.departmentId ?? category.defaultDepartmentId;
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
  let configuration = await intakeConfiguration(ctx, organisation.id);
  if (configuration.version !== (await intakeVersion(ctx.db))) {
    forgetIntakeConfiguration(ctx, organisation.id);
    configuration = await intakeConfiguration(ctx, organisation.id);
  }
  return check(configuration, input);
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

/**
 * Takes a report from any channel: validates it completely, finds its district and the department in
 * charge, sets its deadline, and stores it with its first history line. A report this returns `ok` for
 * is committed to the database before the caller acknowledges it.
 */
export async function submitReport(
  ctx: AppContext,
  organisation: Organisation,
  input: ReportSubmission,
): Promise<SubmitOutcome> {
  const outcome = await submitAdmittedReport(ctx, organisation, input, {});
  if ('refused' in outcome) throw new Error('a report without admission rules cannot be refused');
  return outcome;
}

/**
 * What must still hold when a valid report is stored: the API key is not revoked — checked in the
 * statement that stores the report, so a key verified a moment ago may be cached by the caller.
 */
export interface Admission {
  apiKeyId?: number;
}

export type AdmittedOutcome = SubmitOutcome | { refused: 'api_key' };

/**
 * `submitReport` for channels with an API key (Open311): everything is checked from the cached
 * configuration, then configuration version check, key check, report and first history line are one
 * call of `reports_submit` (migration 20261123_0330) — one round trip, one commit, its statements
 * planned once per connection. With `afterInsert`, that call and the caller's work share a transaction.
 */
export async function submitAdmittedReport(
  ctx: AppContext,
  organisation: Organisation,
  input: ReportSubmission,
  admission: Admission,
): Promise<AdmittedOutcome> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await storeChecked(
      ctx,
      organisation,
      input,
      admission,
      await intakeConfiguration(ctx, organisation.id),
    );
    if (outcome !== 'outdated') return outcome;
    forgetIntakeConfiguration(ctx, organisation.id);
    if (attempt === 5) throw new Error('the intake configuration kept changing while a report was stored');
  }
}

async function storeChecked(
  ctx: AppContext,
  organisation: Organisation,
  input: ReportSubmission,
  admission: Admission,
  configuration: IntakeConfiguration,
): Promise<AdmittedOutcome | 'outdated'> {
  const { problems, category, districts } = check(configuration, input);
  if (problems.length > 0 || !category) {
    // a refusal must not come from an outdated configuration either
    return configuration.version === (await intakeVersion(ctx.db)) ? { invalid: problems } : 'outdated';
  }

  const departmentId = departmentFor(
    configuration,
    category,
    districts.map((district) => district.id),
  );
  const districtId = districts.find((d) => d.kind === 'district')?.id ?? districts[0]?.id ?? null;
  const token = randomBytes(12).toString('hex');
  // One instant for all three, so that the deadline is exactly the category's time after creation.
  const now = new Date();
  const deadline = new Date(now.getTime() + category.expectedHours * 3_600_000);

  const store = async (db: Executor, tx?: Tx) => {
    const result = await db.executeQuery<{ fresh: boolean; admitted: boolean; new_id: string | null }>(
      CompiledQuery.raw(SUBMIT_SQL, [
        configuration.version,
        admission.apiKeyId ?? null,
        organisation.id,
        category.id,
        departmentId,
        districtId,
        input.description.trim(),
        input.lat,
        input.lng,
        tileX(input.lng),
        tileY(input.lat),
        input.address?.trim().slice(0, 300) || null,
        JSON.stringify(input.answers ?? {}),
        input.authorId ?? null,
        input.authorName?.trim().slice(0, 120) || null,
        input.authorEmail?.trim().toLowerCase() || null,
        input.showName ?? false,
        input.source,
        input.apiKeyId ?? null,
        token,
        now,
        deadline,
        JSON.stringify({ departmentId, source: input.source }),
      ]),
    );
    const row = result.rows[0];
    if (!row?.fresh) return 'outdated' as const;
    if (!row.admitted) return { refused: 'api_key' as const };
    const id = Number(row.new_id);
    if (tx) await input.afterInsert?.(tx, id);
    return { ok: true as const, id, token, departmentId };
  };
  return input.afterInsert ? ctx.db.transaction().execute((tx) => store(tx, tx)) : store(ctx.db);
}
