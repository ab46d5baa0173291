// The communication index: the value of each criterion for a period, the score, snapshots, the values
// staff enter, and the configuration administrators change.

import type { Viewer } from '../../platform/auth/users.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Translated } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { indicatorValues } from './dashboard.use-cases.ts';
import { scoreIndex, type Scored } from './formula.ts';
import {
  deleteCriterion,
  findInputs,
  findSnapshots,
  insertCriteria,
  replaceSnapshot,
  saveInput,
  updateCriterion,
  type Criterion,
  type CriterionInput,
  type Snapshot,
} from './index.repository.ts';
import { authorizeInsights } from './insights.policy.ts';
import { SOURCES, type CriterionSource, type PeriodKind } from './insights.schema.ts';
import { isKpiCode } from './kpis.ts';
import { calendarPeriod, parsePeriodKey, periodOf, today } from './periods.ts';
import {
  findInsightsSettings,
  organisationsWithTemplate,
  saveInsightsSettings,
  type InsightsSettings,
} from './settings.repository.ts';

export type CriterionValue = Criterion & Scored & { value: number | null };

export interface IndexReading {
  period: { key: string; from: string; to: string };
  score: number;
  criteria: CriterionValue[];
}

/** Each criterion's value for a period (a KPI over the whole city, or what staff entered) and the score. */
export async function computeIndex(
  ctx: AppContext,
  organisation: Organisation,
  criteria: readonly Criterion[],
  period: { key: string; from: string; to: string },
): Promise<IndexReading> {
  const [values, inputs] = await Promise.all([
    indicatorValues(ctx, organisation, periodOf(period.from, period.to), null),
    findInputs(ctx.db, organisation.id, period.key),
  ]);
  const withValues = criteria.map((criterion) => ({
    ...criterion,
    value:
      criterion.source === 'kpi'
        ? criterion.kpi && isKpiCode(criterion.kpi)
          ? values.current[criterion.kpi]
          : null
        : (inputs.get(criterion.id) ?? null),
  }));
  const scored = scoreIndex(withValues);
  return { period, score: scored.score, criteria: scored.criteria };
}

export function periodFor(kind: PeriodKind, key: string | undefined, timeZone: string) {
  if (key === undefined) return calendarPeriod(kind, today(timeZone));
  const parsed = parsePeriodKey(key);
  if (!parsed) throw new AppError('INSIGHTS_PERIOD_INVALID');
  return { key: parsed.key, from: parsed.from, to: parsed.to };
}

export async function readIndex(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  criteria: readonly Criterion[],
  periodKey: string | undefined,
): Promise<{ reading: IndexReading; snapshots: Snapshot[]; settings: InsightsSettings }> {
  authorizeInsights(viewer, 'read-index');
  const settings = await findInsightsSettings(ctx.db, organisation.id);
  const period = periodFor(settings.periodKind, periodKey, organisation.timeZone);
  const [reading, snapshots] = await Promise.all([
    computeIndex(ctx, organisation, criteria, period),
    findSnapshots(ctx.db, organisation.id),
  ]);
  return { reading, snapshots, settings };
}

/** Takes (or takes again) the snapshot of a period; `viewer` null for the recurring job. */
export async function takeSnapshot(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  criteria: readonly Criterion[],
  periodKey: string | undefined,
  asJob = false,
): Promise<{ period: string; score: number }> {
  if (!asJob) authorizeInsights(viewer, 'configure');
  const settings = await findInsightsSettings(ctx.db, organisation.id);
  const period = periodFor(settings.periodKind, periodKey, organisation.timeZone);
  const reading = await computeIndex(ctx, organisation, criteria, period);
  await ctx.db.transaction().execute((tx) =>
    replaceSnapshot(
      tx,
      organisation.id,
      {
        template: settings.template,
        period: period.key,
        periodStart: period.from,
        periodEnd: period.to,
        score: reading.score,
        criteria: reading.criteria.map((criterion) => ({
          key: criterion.key,
          labels: criterion.labels,
          source: criterion.source,
          kpi: criterion.kpi,
          weight: criterion.weight,
          share: criterion.share,
          value: criterion.value,
          floor: criterion.floor,
          target: criterion.target,
          progress: criterion.progress,
          points: criterion.points,
        })),
      },
      viewer?.id ?? null,
    ),
  );
  return { period: period.key, score: reading.score };
}

/** Staff enter rubric levels and survey results for a period (an empty value removes one). */
export async function enterValues(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  criteria: readonly Criterion[],
  periodKey: string,
  values: ReadonlyMap<number, number | null>,
): Promise<{ ok: true } | { ok: false; fields: Record<string, string> }> {
  authorizeInsights(viewer, 'enter-values');
  if (!parsePeriodKey(periodKey)) throw new AppError('INSIGHTS_PERIOD_INVALID');
  const fields: Record<string, string> = {};
  for (const [id, value] of values) {
    const criterion = criteria.find((candidate) => candidate.id === id);
    if (!criterion || criterion.source === 'kpi') throw new AppError('INSIGHTS_CRITERION_NOT_FOUND');
    if (value === null) continue;
    const allowed =
      criterion.source === 'rubric'
        ? criterion.levels.some((level) => level.value === value)
        : Number.isFinite(value) && Math.abs(value) <= 1e9;
    if (!allowed) fields[`value-${id}`] = 'out-of-range';
  }
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  await ctx.db.transaction().execute(async (tx) => {
    for (const [id, value] of values) await saveInput(tx, organisation.id, id, periodKey, value, viewer.id);
  });
  return { ok: true };
}

export interface CriterionForm {
  key: string;
  labels: Translated;
  weight: number;
  source: string;
  kpi: string;
  floor: number;
  target: number;
}

/** Checks a criterion: the problem code of each field, none when it can be saved. */
export function checkCriterion(form: CriterionForm, languages: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(form.key)) fields.key = 'invalid';
  for (const language of languages)
    if (!form.labels[language]?.trim()) fields[`labels_${language}`] = 'required';
    else if ((form.labels[language] ?? '').length > 120) fields[`labels_${language}`] = 'too-long';
  if (!Number.isFinite(form.weight) || form.weight < 0 || form.weight > 100) fields.weight = 'out-of-range';
  if (!(SOURCES as readonly string[]).includes(form.source)) fields.source = 'invalid';
  if (form.source === 'kpi' && !isKpiCode(form.kpi)) fields.kpi = 'required';
  if (!Number.isFinite(form.floor) || Math.abs(form.floor) > 1e9) fields.floor = 'out-of-range';
  if (!Number.isFinite(form.target) || Math.abs(form.target) > 1e9 || form.target === form.floor)
    fields.target = 'out-of-range';
  return fields;
}

/** Changes a criterion, or adds one (id undefined) at the end; levels of a rubric are the five standard ones. */
export async function saveCriterion(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  criteria: readonly Criterion[],
  id: number | undefined,
  form: CriterionForm,
  levels: Criterion['levels'],
): Promise<{ ok: true } | { ok: false; fields: Record<string, string> }> {
  authorizeInsights(viewer, 'configure');
  const existing = id === undefined ? undefined : criteria.find((criterion) => criterion.id === id);
  if (id !== undefined && !existing) throw new AppError('INSIGHTS_CRITERION_NOT_FOUND');
  const fields = checkCriterion(existing ? { ...form, key: existing.key } : form, organisation.languages);
  if (!existing && criteria.some((criterion) => criterion.key === form.key)) fields.key = 'taken';
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  const source = form.source as CriterionSource;
  const input: CriterionInput = {
    key: existing?.key ?? form.key,
    labels: form.labels,
    weight: form.weight,
    source,
    kpi: source === 'kpi' ? form.kpi : null,
    levels: source === 'rubric' ? (existing?.levels.length ? existing.levels : levels) : [],
    floor: form.floor,
    target: form.target,
    position: existing?.position ?? criteria.length,
  };
  if (existing) await updateCriterion(ctx.db, organisation.id, existing.id, input);
  else await insertCriteria(ctx.db, organisation.id, [input]);
  return { ok: true };
}

export async function removeCriterion(ctx: AppContext, viewer: Viewer | null, organisation: Organisation, id: number) {
  authorizeInsights(viewer, 'configure');
  if (!(await deleteCriterion(ctx.db, organisation.id, id))) throw new AppError('INSIGHTS_CRITERION_NOT_FOUND');
}

/** Targets of the indicators, what the transparency page publishes, the snapshot period and the template's name. */
export async function changeSettings(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
  settings: InsightsSettings,
): Promise<{ ok: true } | { ok: false; fields: Record<string, string> }> {
  authorizeInsights(viewer, 'configure');
  const fields: Record<string, string> = {};
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(settings.template)) fields.template = 'invalid';
  for (const [code, target] of Object.entries(settings.targets))
    if (!isKpiCode(code) || !Number.isFinite(target) || Math.abs(target) > 1e9)
      fields[`target-${code}`] = 'out-of-range';
  if (settings.published.some((code) => !isKpiCode(code))) fields.published = 'invalid';
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  await saveInsightsSettings(ctx.db, organisation.id, settings);
  return { ok: true };
}

/** The network's view: every city of the installation sharing this city's template, with its snapshots. */
export async function readNetwork(ctx: AppContext, viewer: Viewer | null, organisation: Organisation) {
  authorizeInsights(viewer, 'network', organisation);
  const settings = await findInsightsSettings(ctx.db, organisation.id);
  const ids = await organisationsWithTemplate(ctx.db, settings.template);
  const all = await ctx.organisations.findAll();
  const cities = all.filter((city) => ids.includes(city.id) || city.id === organisation.id);
  const snapshots = await Promise.all(cities.map((city) => findSnapshots(ctx.db, city.id, 12)));
  return { template: settings.template, cities: cities.map((city, i) => ({ city, snapshots: snapshots[i] ?? [] })) };
}
