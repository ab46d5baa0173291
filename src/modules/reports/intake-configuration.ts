import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/database.ts';
import { findDistrictsWithGeometry, type DistrictWithGeometry } from '../places/index.ts';
import { findIntakeVersion, type IntakeVersion } from './intake.repository.ts';
import {
  findCategories,
  findCityQuestions,
  findRoutingRules,
  type Category,
  type Question,
  type RoutingRule,
} from './report-categories.repository.ts';

/** At most this long a process keeps a city's intake configuration (memory only: staleness is checked by version). */
const INTAKE_CONFIGURATION_MS = 10 * 60_000;

/**
 * What intake needs to know about a city, read in four queries and kept in memory: its categories
 * with their questions, the routing rules and the districts with their outlines, so that a report is
 * validated and routed without a query. `version` holds the numbers they were read with
 * (`reports_intake_version`, moved by triggers on any write to categories, questions and rules, and
 * places' `places_districts_version` of the city); the statement that stores a report checks both:
 * a report checked against an outdated configuration is not stored, the configuration is read again
 * and the report checked again. So staff changes apply at once, in every process.
 */
export interface IntakeConfiguration {
  organisationId: number;
  version: IntakeVersion;
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

async function loadIntakeConfiguration(db: Executor, organisationId: number): Promise<IntakeConfiguration> {
  // the version first: a change committed while the rest is read only causes one more reload
  const version = await findIntakeVersion(db, organisationId);
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
    organisationId,
    version,
    categories: new Map([...byCategory.values()].map((entry) => [entry.category.code, entry])),
    rules: rulesByCategory,
    districts,
  };
}

/** The city's intake configuration, from this process's memory when it has it (it may be outdated: see above). */
export function intakeConfiguration(ctx: AppContext, organisationId: number): Promise<IntakeConfiguration> {
  const configurations = configurationsOf(ctx.db);
  const cached = configurations.get(organisationId);
  if (cached && cached.expires > Date.now()) return cached.configuration;
  const configuration = loadIntakeConfiguration(ctx.db, organisationId);
  configurations.set(organisationId, { expires: Date.now() + INTAKE_CONFIGURATION_MS, configuration });
  configuration.catch(() => configurations.delete(organisationId));
  return configuration;
}

/** Makes the next intake in this process read the city's categories, questions, rules and districts again. */
export function forgetIntakeConfiguration(ctx: AppContext, organisationId: number): void {
  configurationsOf(ctx.db).delete(organisationId);
}

/** Whether the configuration was read with the numbers the database has now. */
export async function isCurrent(ctx: AppContext, configuration: IntakeConfiguration): Promise<boolean> {
  const now = await findIntakeVersion(ctx.db, configuration.organisationId);
  return now.intake === configuration.version.intake && now.places === configuration.version.places;
}

/** The city's intake configuration, read again if the database says it changed. */
export async function currentIntakeConfiguration(
  ctx: AppContext,
  organisationId: number,
): Promise<IntakeConfiguration> {
  const configuration = await intakeConfiguration(ctx, organisationId);
  if (await isCurrent(ctx, configuration)) return configuration;
  forgetIntakeConfiguration(ctx, organisationId);
  return intakeConfiguration(ctx, organisationId);
}

/**
 * The department in charge of a category in these districts: the rule for one of the districts (in
 * the order given: districts before neighbourhoods), else the category's city-wide rule, else the
 * category's default department.
 */
export function departmentFor(
  configuration: IntakeConfiguration,
  category: Category,
  districtIds: number[],
): number | null {
  const rules = configuration.rules.get(category.id) ?? [];
  for (const districtId of districtIds) {
    const rule = rules.find((r) => r.districtId === districtId);
    if (rule) return rule.departmentId;
  }
  return rules.find((r) => r.districtId === null)?.departmentId ?? category.defaultDepartmentId;
}
