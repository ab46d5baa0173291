import { sql, type Kysely } from 'kysely';

/**
 * A change counter per city for its districts, owned by places: any write to a city's rows of
 * `places_district` adds one to its number, in the writer's transaction. Modules that keep districts in
 * memory (reports' intake keeps their outlines to place and route a report without a query) read the
 * number with the outlines, and compare it with `places_districts_version(city)` in the statement that
 * relies on them: a different number means the copy is outdated.
 *
 * Until now reports put a trigger on this table for the same purpose; reports' migration
 * 20261207_0300_reports_intake_without_places_trigger removes it. Written to be re-run safely: the same
 * end state whether the database is new or was migrated before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table if not exists places_district_version (
      organisation_id integer primary key references core_organisation(id) on delete cascade,
      version bigint not null
    )`.execute(db);

  // A city whose districts were never written since has no row: its number is 0.
  await sql`
    create or replace function places_districts_version(p_organisation_id integer) returns bigint
    language sql stable as $$
      select coalesce((select version from places_district_version where organisation_id = p_organisation_id), 0)
    $$`.execute(db);

  // Row by row, so that each city's number moves only with its own districts (district writes are rare:
  // an import, an administrator's edit, the demo). A truncate changes every city's number.
  await sql`
    create or replace function places_count_district_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'TRUNCATE' then
        -- every city, also those without a row yet (still at 0)
        insert into places_district_version as v (organisation_id, version) select id, 1 from core_organisation
        on conflict (organisation_id) do update set version = v.version + 1;
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        insert into places_district_version as v (organisation_id, version) values (old.organisation_id, 1)
        on conflict (organisation_id) do update set version = v.version + 1;
      end if;
      if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.organisation_id <> old.organisation_id) then
        insert into places_district_version as v (organisation_id, version) values (new.organisation_id, 1)
        on conflict (organisation_id) do update set version = v.version + 1;
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`drop trigger if exists places_district_version on places_district`.execute(db);
  await sql`
    create trigger places_district_version after insert or update or delete on places_district
    for each row execute function places_count_district_change()`.execute(db);
  await sql`drop trigger if exists places_district_version_truncate on places_district`.execute(db);
  await sql`
    create trigger places_district_version_truncate after truncate on places_district
    for each statement execute function places_count_district_change()`.execute(db);
}
