import { CompiledQuery } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { PREPARED_MARKER } from '../../platform/db/prepared.ts';

/**
 * The arguments of the database function `reports_submit` (migration 20261207_0310), by name, with
 * their PostgreSQL types: the one list that both the SQL call (`reports_submit(p_<name> => $n::<type>, …)`)
 * and the TypeScript type `SubmitArguments` come from. Named, so the order here does not matter; a
 * test compares this list with the function's declared arguments.
 */
export const SUBMIT_ARGUMENTS = {
  /** `reports_intake_version` when the intake configuration was read (categories, questions, rules). */
  intake_version: 'bigint',
  /** `places_districts_version(city)` when the district outlines were read. */
  places_version: 'bigint',
  organisation_id: 'integer',
  category_id: 'integer',
  department_id: 'integer | null',
  district_id: 'integer | null',
  description: 'text',
  lat: 'double precision',
  lng: 'double precision',
  tile_x: 'integer',
  tile_y: 'integer',
  address: 'text | null',
  answers: 'jsonb',
  author_id: 'integer | null',
  author_name: 'text | null',
  author_email: 'text | null',
  show_name: 'boolean',
  source: 'text',
  /** The key the report came with (Open311): refused unless it is still not revoked, and stored on the report. */
  api_key_id: 'integer | null',
  token: 'text',
  created_at: 'timestamptz',
  deadline_at: 'timestamptz',
} as const;

/** The TypeScript value of each PostgreSQL type used above (bigint as text: it may not fit a number). */
interface ValueOfType {
  bigint: string;
  integer: number;
  'double precision': number;
  text: string;
  boolean: boolean;
  timestamptz: Date;
  jsonb: unknown;
}

type SqlType = keyof ValueOfType;
type ValueOf<T extends string> = T extends `${infer Type extends SqlType} | null`
  ? ValueOfType[Type] | null
  : T extends SqlType
    ? ValueOfType[T]
    : never;

/** What `reports_submit` takes, derived from `SUBMIT_ARGUMENTS`. */
export type SubmitArguments = { [Name in keyof typeof SUBMIT_ARGUMENTS]: ValueOf<(typeof SUBMIT_ARGUMENTS)[Name]> };

const argumentNames = Object.keys(SUBMIT_ARGUMENTS) as Array<keyof SubmitArguments>;

/** The type of an argument as PostgreSQL declares it (without the nullability marker). */
export function argumentType(name: keyof SubmitArguments): SqlType {
  return SUBMIT_ARGUMENTS[name].replace(' | null', '') as SqlType;
}

// A fixed text whatever the report: prepared once per connection on PostgreSQL (see prepared.ts).
const SUBMIT_SQL = `select fresh, admitted, new_id from reports_submit(${argumentNames
  .map((name, index) => `p_${name} => $${index + 1}::${argumentType(name)}`)
  .join(', ')}) ${PREPARED_MARKER}`;

export type StoreOutcome = 'outdated' | 'key refused' | { id: number };

/**
 * Stores a checked report and its first history line in one statement, if the configuration numbers it
 * was checked with are still current ('outdated' otherwise) and its API key is not revoked.
 */
export async function storeReport(db: Executor, report: SubmitArguments): Promise<StoreOutcome> {
  const values = argumentNames.map((name) =>
    argumentType(name) === 'jsonb' ? JSON.stringify(report[name]) : report[name],
  );
  const result = await db.executeQuery<{ fresh: boolean; admitted: boolean; new_id: string | null }>(
    CompiledQuery.raw(SUBMIT_SQL, values),
  );
  const row = result.rows[0];
  if (!row?.fresh) return 'outdated';
  if (!row.admitted) return 'key refused';
  return { id: Number(row.new_id) };
}

/** The two numbers intake's configuration of a city is read with and checked against. */
export interface IntakeVersion {
  intake: string;
  places: string;
}

const VERSION_SQL = `select (select version::text from reports_intake_version) as intake,
  places_districts_version($1::integer)::text as places ${PREPARED_MARKER}`;

/** The current numbers of a city's intake configuration (see `SUBMIT_ARGUMENTS`). */
export async function findIntakeVersion(db: Executor, organisationId: number): Promise<IntakeVersion> {
  const result = await db.executeQuery<IntakeVersion>(CompiledQuery.raw(VERSION_SQL, [organisationId]));
  const row = result.rows[0];
  return { intake: row?.intake ?? '0', places: row?.places ?? '0' };
}
