import { sql, type Kysely } from 'kysely';

/**
 * The census residents verify against, and the verification of accounts. The census holds only a keyed
 * hash of document number and birth date. A verified identity backs one account: the identity hash is
 * unique per city among verifications, and a census entry is referenced by at most one of them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table verification_census (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      identity_hash text not null,
      district_id integer references places_district(id) on delete set null,
      imported_by integer references core_user(id) on delete set null,
      imported_at timestamptz not null default now(),
      unique (organisation_id, identity_hash)
    )`.execute(db);

  await sql`
    create table verification_identity (
      user_id integer primary key references core_user(id) on delete cascade,
      organisation_id integer not null references core_organisation(id),
      method text not null check (method in ('census', 'in_person')),
      identity_hash text not null,
      census_id integer references verification_census(id) on delete set null,
      birth_year integer not null check (birth_year between 1880 and 2200),
      district_id integer references places_district(id) on delete set null,
      verified_by integer references core_user(id) on delete set null,
      verified_at timestamptz not null default now(),
      constraint verification_identity_one_account unique (organisation_id, identity_hash),
      constraint verification_identity_one_census_entry unique (census_id)
    )`.execute(db);
}
