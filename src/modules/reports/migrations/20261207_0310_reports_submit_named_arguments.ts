import { sql, type Kysely } from 'kysely';

/**
 * `reports_submit` again, called with named arguments (`reports_submit(p_category_id => …, …)`, the list
 * in intake.repository.ts), and checking both numbers intake's cached configuration was read with:
 * `reports_intake_version` (categories, questions, routing rules) and places' `places_districts_version`
 * of the city (district outlines). One API key argument, both checked (not revoked) and stored on the
 * report; the first history line's details are built here from the department and the source.
 *
 * What it does is unchanged (20261123_0330): one call, one round trip, one commit — configuration still
 * current, key not revoked, then the report and its first history line. Says which check failed, or gives
 * the new report's id. Re-runnable: the earlier signature is dropped if present, this one replaced.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function if exists reports_submit(bigint, integer, integer, integer, integer, integer, text, double precision,
      double precision, integer, integer, text, jsonb, integer, text, text, boolean, text, integer, text, timestamptz,
      timestamptz, jsonb)`.execute(db);
  await sql`
    create or replace function reports_submit(
      p_intake_version bigint,
      p_places_version bigint,
      p_organisation_id integer,
      p_category_id integer,
      p_department_id integer,
      p_district_id integer,
      p_description text,
      p_lat double precision,
      p_lng double precision,
      p_tile_x integer,
      p_tile_y integer,
      p_address text,
      p_answers jsonb,
      p_author_id integer,
      p_author_name text,
      p_author_email text,
      p_show_name boolean,
      p_source text,
      p_api_key_id integer,
      p_token text,
      p_created_at timestamptz,
      p_deadline_at timestamptz,
      out fresh boolean,
      out admitted boolean,
      out new_id bigint
    ) language plpgsql as $$
    begin
      fresh := (select version = p_intake_version from reports_intake_version)
        and places_districts_version(p_organisation_id) = p_places_version;
      admitted := false;
      if not fresh then return; end if;
      if p_api_key_id is not null and not exists (select 1 from core_api_key where id = p_api_key_id and revoked_at is null) then return; end if;
      admitted := true;
      insert into reports_report (organisation_id, category_id, department_id, district_id, description, lat, lng, tile_x, tile_y, address, answers,
        author_id, author_name, author_email, show_name, source, api_key_id, token, created_at, deadline_at, updated_at)
      values (p_organisation_id, p_category_id, p_department_id, p_district_id, p_description, p_lat, p_lng, p_tile_x, p_tile_y, p_address, p_answers,
        p_author_id, p_author_name, p_author_email, p_show_name, p_source, p_api_key_id, p_token, p_created_at, p_deadline_at, p_created_at)
      returning id into new_id;
      insert into reports_update (organisation_id, report_id, kind, author_id, status_to, details)
      values (p_organisation_id, new_id, 'created', p_author_id, 'new',
        jsonb_build_object('departmentId', p_department_id, 'source', p_source));
    end
    $$`.execute(db);
}
