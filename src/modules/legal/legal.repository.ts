import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Translated } from '../../platform/db/schema.ts';
import './legal.schema.ts';
import type { LegalKind } from './legal.schema.ts';

/** One published version of a text. */
export interface LegalTextVersion {
  kind: LegalKind;
  version: number;
  body: Translated;
  publishedAt: Date;
  publishedBy: string | null;
}

/** The version number in force of each text (0: the platform's standard text). */
export type LegalVersions = Record<LegalKind, number>;

function parseJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** The versions in force in a city: the highest published version of each text, 0 when none. */
export async function findCurrentVersions(db: Executor, organisationId: number): Promise<LegalVersions> {
  const rows = await db
    .selectFrom('legal_text')
    .select(['kind', (eb) => eb.fn.max('version').as('version')])
    .where('organisation_id', '=', organisationId)
    .groupBy('kind')
    .execute();
  const versions: LegalVersions = { privacy: 0, conduct: 0 };
  for (const row of rows) versions[row.kind] = row.version;
  return versions;
}

/** The published versions of a text, newest first, with who published each. */
export async function findTextVersions(
  db: Executor,
  organisationId: number,
  kind: LegalKind,
  limit = 100,
): Promise<LegalTextVersion[]> {
  const rows = await db
    .selectFrom('legal_text as t')
    .leftJoin('core_user as u', 'u.id', 't.published_by')
    .select(['t.kind', 't.version', 't.body', 't.published_at', 'u.display_name'])
    .where('t.organisation_id', '=', organisationId)
    .where('t.kind', '=', kind)
    .orderBy('t.version', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    kind: row.kind,
    version: row.version,
    body: parseJson(row.body),
    publishedAt: row.published_at,
    publishedBy: row.display_name,
  }));
}

/**
 * Stores the next version of a text (one more than the highest) in one statement; two administrators
 * publishing at once collide on the unique version, and the caller tries again.
 */
export async function insertNextVersion(
  db: Executor,
  organisationId: number,
  kind: LegalKind,
  body: Translated,
  publishedBy: number,
): Promise<number> {
  const row = await sql<{ version: number }>`
    insert into legal_text (organisation_id, kind, version, body, published_by)
    select ${organisationId}, ${kind}, coalesce(max(version), 0) + 1, ${JSON.stringify(body)}::jsonb, ${publishedBy}
    from legal_text where organisation_id = ${organisationId} and kind = ${kind}
    returning version`.execute(db);
  const version = row.rows[0]?.version;
  if (version === undefined) throw new Error('no version inserted');
  return version;
}

/** The highest version of each text a person accepted; 0 (the standard text) where they accepted none. */
export async function findAcceptedVersions(db: Executor, userId: number): Promise<LegalVersions> {
  const rows = await db
    .selectFrom('legal_acceptance')
    .select(['kind', (eb) => eb.fn.max('version').as('version')])
    .where('user_id', '=', userId)
    .groupBy('kind')
    .execute();
  const versions: LegalVersions = { privacy: 0, conduct: 0 };
  for (const row of rows) versions[row.kind] = row.version;
  return versions;
}

/** Records that a person accepted these versions (again accepting one already accepted changes nothing). */
export async function insertAcceptances(
  db: Executor,
  organisationId: number,
  userId: number,
  versions: Partial<LegalVersions>,
): Promise<void> {
  const rows = Object.entries(versions).map(([kind, version]) => ({
    user_id: userId,
    organisation_id: organisationId,
    kind: kind as LegalKind,
    version,
  }));
  if (rows.length === 0) return;
  await db
    .insertInto('legal_acceptance')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['user_id', 'kind', 'version']).doNothing())
    .execute();
}

/** Every acceptance of a person, oldest first (for their data export). */
export async function findAcceptancesOfUser(db: Executor, userId: number) {
  return db
    .selectFrom('legal_acceptance')
    .select(['kind', 'version', 'accepted_at'])
    .where('user_id', '=', userId)
    .orderBy('accepted_at')
    .orderBy('kind')
    .execute();
}

export async function deleteAcceptancesOfUser(db: Executor, userId: number): Promise<void> {
  await db.deleteFrom('legal_acceptance').where('user_id', '=', userId).execute();
}

/** Whether a database error is a unique violation (PostgreSQL and PGlite). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}
