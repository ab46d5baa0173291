import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './participation.schema.ts';
import type { Action, Part, PhaseParts } from './participation.schema.ts';
import type { EligibilityRule } from '../verification/index.ts';

export interface Phase {
  id: number;
  title: Translated;
  startsAt: Date;
  endsAt: Date;
  parts: PhaseParts;
}

export interface Process {
  id: number;
  organisationId: number;
  slug: string;
  title: Translated;
  description: Translated;
  districtIds: number[];
  eligibility: { level: 'email' | 'verified'; minAge: number | null; maxAge: number | null; residentsOnly: boolean };
  supportThreshold: number;
  supportDays: number;
  answerDays: number;
  phases: Phase[];
  createdAt: Date;
}

export type ProcessTime = 'open' | 'upcoming' | 'past';

/** Who may take part in a process: its verification level, age range and, when it asks for that, residence in its districts. */
export function processEligibilityRule(process: Pick<Process, 'eligibility' | 'districtIds'>): EligibilityRule {
  const { eligibility } = process;
  return {
    level: eligibility.level,
    minAge: eligibility.minAge ?? undefined,
    maxAge: eligibility.maxAge ?? undefined,
    districtIds: eligibility.residentsOnly && process.districtIds.length > 0 ? process.districtIds : undefined,
  };
}

/** What `processEligibilitySql` gives (null when there is no such process in the city). */
export type ProcessEligibilityJson = Pick<Process, 'eligibility' | 'districtIds'>;

/**
 * A process's eligibility as JSON, computed by PostgreSQL inside another module's query — the same
 * expression both reads it and, compared as text, confirms in a later statement that it has not
 * changed since (budgets: a ballot checked against a remembered process rule).
 */
export function processEligibilitySql(
  organisationId: number | RawBuilder<number>,
  processId: RawBuilder<unknown>,
): RawBuilder<ProcessEligibilityJson | null> {
  // CASE: without a process the lookup is not run at all.
  return sql<ProcessEligibilityJson | null>`(case when ${processId} is null then null else (select json_build_object('eligibility', json_build_object('level', pe.eligibility_level, 'minAge', pe.min_age, 'maxAge', pe.max_age, 'residentsOnly', pe.residents_only), 'districtIds', pe.district_ids)
    from participation_process pe where pe.id = ${processId} and pe.organisation_id = ${organisationId}) end)`;
}

/** A JSON column's value, whether the driver handed it over parsed or as text. */
export function json(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

const phasesColumn = sql`coalesce((select json_agg(json_build_object('id', ph.id, 'title', ph.title, 'startsAt', ph.starts_at, 'endsAt', ph.ends_at, 'parts', ph.parts) order by ph.starts_at, ph.id) from participation_phase ph where ph.process_id = p.id), '[]'::json)`;

const columns = [
  'p.id',
  'p.organisation_id',
  'p.slug',
  'p.title',
  'p.description',
  'p.district_ids',
  'p.eligibility_level',
  'p.min_age',
  'p.max_age',
  'p.residents_only',
  'p.support_threshold',
  'p.support_days',
  'p.answer_days',
  'p.created_at',
] as const;

interface ProcessRow {
  id: number;
  organisation_id: number;
  slug: string;
  title: unknown;
  description: unknown;
  district_ids: number[];
  eligibility_level: 'email' | 'verified';
  min_age: number | null;
  max_age: number | null;
  residents_only: boolean;
  support_threshold: number;
  support_days: number;
  answer_days: number;
  created_at: Date;
  phases: unknown;
}

function toProcess(row: ProcessRow): Process {
  const phases = json(row.phases) as Array<{
    id: number;
    title: unknown;
    startsAt: string;
    endsAt: string;
    parts: unknown;
  }>;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    slug: row.slug,
    title: json(row.title) as Translated,
    description: json(row.description) as Translated,
    districtIds: row.district_ids,
    eligibility: {
      level: row.eligibility_level,
      minAge: row.min_age,
      maxAge: row.max_age,
      residentsOnly: row.residents_only,
    },
    supportThreshold: row.support_threshold,
    supportDays: row.support_days,
    answerDays: row.answer_days,
    phases: phases.map((p) => ({
      id: p.id,
      title: json(p.title) as Translated,
      startsAt: new Date(p.startsAt),
      endsAt: new Date(p.endsAt),
      parts: json(p.parts) as PhaseParts,
    })),
    createdAt: row.created_at,
  };
}

/** One process of a city with its phases, by id. */
export async function findProcess(db: Executor, organisationId: number, id: number): Promise<Process | undefined> {
  const row = await db
    .selectFrom('participation_process as p')
    .select([...columns, phasesColumn.as('phases')])
    .where('p.organisation_id', '=', organisationId)
    .where('p.id', '=', id)
    .executeTakeFirst();
  return row ? toProcess(row) : undefined;
}

/** One process of a city with its phases, by the slug in its address. */
export async function findProcessBySlug(
  db: Executor,
  organisationId: number,
  slug: string,
): Promise<Process | undefined> {
  const row = await db
    .selectFrom('participation_process as p')
    .select([...columns, phasesColumn.as('phases')])
    .where('p.organisation_id', '=', organisationId)
    .where('p.slug', '=', slug)
    .executeTakeFirst();
  return row ? toProcess(row) : undefined;
}

/** All processes of a city, newest first, each with its phases (one query). */
export async function findProcesses(db: Executor, organisationId: number): Promise<Process[]> {
  const rows = await db
    .selectFrom('participation_process as p')
    .select([...columns, phasesColumn.as('phases')])
    .where('p.organisation_id', '=', organisationId)
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .execute();
  return rows.map((row) => toProcess(row));
}

/** The phase running at `now` (start included, end excluded), if any. */
export function currentPhase(process: Process, now = new Date()): Phase | undefined {
  return process.phases.find((phase) => phase.startsAt <= now && now < phase.endsAt);
}

/** Whether a process is running, still to come, or over; one without phases counts as upcoming. */
export function processTime(process: Process, now = new Date()): ProcessTime {
  const first = process.phases[0];
  const last = process.phases.reduce<Phase | undefined>(
    (latest, phase) => (!latest || phase.endsAt > latest.endsAt ? phase : latest),
    undefined,
  );
  if (!first || !last || now < first.startsAt) return 'upcoming';
  if (now >= last.endsAt) return 'past';
  return 'open';
}

/** Whether the phase running now opens a part with an action. */
export function phaseAllows(process: Process, part: Part, action: Action, now = new Date()): boolean {
  return currentPhase(process, now)?.parts[part]?.includes(action) ?? false;
}

export interface ProcessValues {
  slug: string;
  title: Translated;
  description: Translated;
  districtIds: number[];
  eligibilityLevel: 'email' | 'verified';
  minAge: number | null;
  maxAge: number | null;
  residentsOnly: boolean;
  supportThreshold: number;
  supportDays: number;
  answerDays: number;
}

function processColumns(values: ProcessValues) {
  return {
    slug: values.slug,
    title: JSON.stringify(values.title),
    description: JSON.stringify(values.description),
    district_ids: values.districtIds,
    eligibility_level: values.eligibilityLevel,
    min_age: values.minAge,
    max_age: values.maxAge,
    residents_only: values.residentsOnly,
    support_threshold: values.supportThreshold,
    support_days: values.supportDays,
    answer_days: values.answerDays,
  };
}

export async function insertProcess(db: Executor, organisationId: number, values: ProcessValues): Promise<number> {
  const row = await db
    .insertInto('participation_process')
    .values({ organisation_id: organisationId, ...processColumns(values) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateProcessRow(db: Executor, processId: number, values: ProcessValues): Promise<void> {
  await db
    .updateTable('participation_process')
    .set({ ...processColumns(values), updated_at: new Date() })
    .where('id', '=', processId)
    .execute();
}

export async function slugTaken(
  db: Executor,
  organisationId: number,
  slug: string,
  exceptId: number | null,
): Promise<boolean> {
  let query = db
    .selectFrom('participation_process')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('slug', '=', slug);
  if (exceptId !== null) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export interface PhaseValues {
  title: Translated;
  startsAt: Date;
  endsAt: Date;
  parts: PhaseParts;
}

export async function insertPhase(
  db: Executor,
  organisationId: number,
  processId: number,
  values: PhaseValues,
): Promise<number> {
  const row = await db
    .insertInto('participation_phase')
    .values({
      organisation_id: organisationId,
      process_id: processId,
      title: JSON.stringify(values.title),
      starts_at: values.startsAt,
      ends_at: values.endsAt,
      parts: JSON.stringify(values.parts),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePhaseRow(db: Executor, phaseId: number, values: PhaseValues): Promise<void> {
  await db
    .updateTable('participation_phase')
    .set({
      title: JSON.stringify(values.title),
      starts_at: values.startsAt,
      ends_at: values.endsAt,
      parts: JSON.stringify(values.parts),
    })
    .where('id', '=', phaseId)
    .execute();
}

export async function deletePhaseRow(db: Executor, phaseId: number): Promise<void> {
  await db.deleteFrom('participation_phase').where('id', '=', phaseId).execute();
}

/** Counts of proposals and debates per process, for the lists. */
export async function countContributions(
  db: Executor,
  processIds: number[],
): Promise<Map<number, { proposals: number; debates: number }>> {
  const counts = new Map<number, { proposals: number; debates: number }>();
  if (processIds.length === 0) return counts;
  const proposals = await db
    .selectFrom('participation_proposal')
    .select(['process_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('process_id', 'in', processIds)
    .where('hidden_at', 'is', null)
    .where('status', '<>', 'withdrawn')
    .groupBy('process_id')
    .execute();
  const debates = await db
    .selectFrom('participation_debate')
    .select(['process_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('process_id', 'in', processIds)
    .where('hidden_at', 'is', null)
    .groupBy('process_id')
    .execute();
  for (const id of processIds) counts.set(id, { proposals: 0, debates: 0 });
  for (const row of proposals) (counts.get(row.process_id) ?? { proposals: 0, debates: 0 }).proposals = row.n;
  for (const row of debates) (counts.get(row.process_id) ?? { proposals: 0, debates: 0 }).debates = row.n;
  return counts;
}
