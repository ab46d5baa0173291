import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import './verification.schema.ts';
import type { VerificationMethod } from './verification.schema.ts';

export interface Verification {
  userId: number;
  method: VerificationMethod;
  birthYear: number;
  districtId: number | null;
  verifiedAt: Date;
}

/** The verification of one account, if it has one. */
export async function findVerification(
  db: Executor,
  organisationId: number,
  userId: number,
): Promise<Verification | undefined> {
  const row = await db
    .selectFrom('verification_identity')
    .select(['user_id', 'method', 'birth_year', 'district_id', 'verified_at'])
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row
    ? {
        userId: row.user_id,
        method: row.method,
        birthYear: row.birth_year,
        districtId: row.district_id,
        verifiedAt: row.verified_at,
      }
    : undefined;
}

/** The verification of one account by its user id alone (for the account's data export). */
export async function findVerificationOfUser(db: Executor, userId: number): Promise<Verification | undefined> {
  const row = await db
    .selectFrom('verification_identity')
    .select(['user_id', 'method', 'birth_year', 'district_id', 'verified_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row
    ? {
        userId: row.user_id,
        method: row.method,
        birthYear: row.birth_year,
        districtId: row.district_id,
        verifiedAt: row.verified_at,
      }
    : undefined;
}

/** What eligibility needs about a person: account state and verification. */
export interface EligibilityFacts {
  email_confirmed_at: Date | string | null;
  declared_birth_year: number | null;
  verified_birth_year: number | null;
  district_id: number | null;
  verified_user: number | null;
}

/**
 * The facts of `findEligibilityFacts` as one JSON value (null when there is no such live account), for
 * another module to embed in its own query so that a hot path needs no second round trip.
 */
export function eligibilityFactsJson(organisationId: number | RawBuilder<number>, userId: number | RawBuilder<number>) {
  return sql<EligibilityFacts | null>`(select json_build_object('email_confirmed_at', u.email_confirmed_at, 'declared_birth_year', u.birth_year,
      'verified_birth_year', v.birth_year, 'district_id', v.district_id, 'verified_user', v.user_id)
    from core_user u left join verification_identity v on v.user_id = u.id
    where u.id = ${userId} and u.organisation_id = ${organisationId} and u.deleted_at is null)`;
}

/** What eligibility needs about a person in one query: account state and verification. */
export async function findEligibilityFacts(
  db: Executor,
  organisationId: number,
  userId: number,
): Promise<EligibilityFacts | undefined> {
  return db
    .selectFrom('core_user as u')
    .leftJoin('verification_identity as v', 'v.user_id', 'u.id')
    .select([
      'u.id',
      'u.email_confirmed_at',
      'u.birth_year as declared_birth_year',
      'v.birth_year as verified_birth_year',
      'v.district_id',
      'v.user_id as verified_user',
    ])
    .where('u.id', '=', userId)
    .where('u.organisation_id', '=', organisationId)
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function findCensusEntry(db: Executor, organisationId: number, hash: string) {
  return db
    .selectFrom('verification_census')
    .select(['id', 'district_id'])
    .where('organisation_id', '=', organisationId)
    .where('identity_hash', '=', hash)
    .executeTakeFirst();
}

/**
 * Adds census entries or updates the district of those already there, in one statement per batch.
 * Returns how many were new.
 */
export async function upsertCensusEntries(
  db: Executor,
  organisationId: number,
  importedBy: number | null,
  entries: Array<{ hash: string; districtId: number | null }>,
): Promise<{ inserted: number; updated: number }> {
  let inserted = 0;
  let updated = 0;
  for (let start = 0; start < entries.length; start += 1000) {
    const batch = entries.slice(start, start + 1000);
    const rows = await db
      .insertInto('verification_census')
      .values(
        batch.map((entry) => ({
          organisation_id: organisationId,
          identity_hash: entry.hash,
          district_id: entry.districtId,
          imported_by: importedBy,
        })),
      )
      .onConflict((conflict) =>
        conflict
          .columns(['organisation_id', 'identity_hash'])
          .doUpdateSet({ district_id: (eb) => eb.ref('excluded.district_id'), imported_by: importedBy }),
      )
      // xmax = 0 only for a row this statement inserted (PostgreSQL's way of telling insert from update).
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    for (const row of rows) {
      if (row.inserted) inserted++;
      else updated++;
    }
  }
  return { inserted, updated };
}

export async function insertVerification(
  db: Executor,
  values: {
    organisationId: number;
    userId: number;
    method: VerificationMethod;
    hash: string;
    censusId: number | null;
    birthYear: number;
    districtId: number | null;
    verifiedBy: number | null;
  },
): Promise<void> {
  await db
    .insertInto('verification_identity')
    .values({
      organisation_id: values.organisationId,
      user_id: values.userId,
      method: values.method,
      identity_hash: values.hash,
      census_id: values.censusId,
      birth_year: values.birthYear,
      district_id: values.districtId,
      verified_by: values.verifiedBy,
    })
    .execute();
}

export async function countCensus(
  db: Executor,
  organisationId: number,
): Promise<{ entries: number; verified: number }> {
  const row = await db
    .selectFrom('verification_census')
    .select((eb) => [
      eb.fn.countAll<number>().as('entries'),
      sql<number>`(select count(*) from verification_identity v where v.organisation_id = ${organisationId})`.as(
        'verified',
      ),
    ])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow();
  return { entries: row.entries, verified: row.verified };
}

export async function deleteVerification(db: Executor, userId: number): Promise<void> {
  await db.deleteFrom('verification_identity').where('user_id', '=', userId).execute();
}

/** Whether a database error is the violation of one of the named unique constraints (PostgreSQL and PGlite). */
export function violatedConstraint(error: unknown): string | undefined {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  if (!e || e.code !== '23505') return undefined;
  return typeof e.constraint === 'string' ? e.constraint : 'unknown';
}

/** Census entries of every city, by city (for changing SECRET_KEY, which keys their hashes). */
export async function countCensusOfEveryCity(
  db: Executor,
): Promise<Array<{ organisationId: number; entries: number }>> {
  const rows = await db
    .selectFrom('verification_census')
    .select((eb) => ['organisation_id', eb.fn.countAll<number>().as('entries')])
    .groupBy('organisation_id')
    .orderBy('organisation_id')
    .execute();
  return rows.map((row) => ({ organisationId: row.organisation_id, entries: row.entries }));
}

/** Removes every city's census (its hashes were keyed with a SECRET_KEY being retired); verified residents stay. */
export async function deleteCensusOfEveryCity(db: Executor): Promise<number> {
  const result = await db.deleteFrom('verification_census').executeTakeFirst();
  return Number(result.numDeletedRows);
}
