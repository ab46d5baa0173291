import { sql, type Kysely } from 'kysely';

/**
 * Figures of public reports kept up to date by the database itself, so that the map and the public
 * statistics read a few thousand counters instead of every report (issue 3, "Speed"):
 *
 *   - `reports_map_cell`: visible reports per map cell at levels 2…8 (a level-L cell is the tile
 *     `tile_x >> L, tile_y >> L`), category, district and open/closed, with the sums of latitude,
 *     longitude and id (centroid of a cluster; the id of a cluster that holds one report);
 *   - `reports_status_count`: visible reports per category, district and status;
 *   - `reports_resolution_hour`: visible `fixed` reports per whole hour from report to fix (with the
 *     expression index below, the exact median is found without sorting every duration).
 *
 * Writers never touch these counters (a counter row shared by every new report would make concurrent
 * intake wait for each other's commits): statement triggers on reports_report append one signed row
 * per change to `reports_change`, in the writer's transaction, so every write path (intake, staff
 * status changes, hiding, merging, re-routing, reopening, district deletion, demo) is covered without
 * code. `reports_fold_changes()` moves the changes into the counters in one statement (a recurring
 * job does it every few seconds); readers add counters and pending changes in one snapshot, so what
 * they return is exact at any time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reports_change (
      organisation_id integer not null,
      report_id bigint not null,
      n smallint not null check (n in (-1, 1)),
      category_id integer not null,
      district_id integer,
      status text not null,
      is_open boolean not null,
      cx integer not null,
      cy integer not null,
      lat double precision not null,
      lng double precision not null,
      resolution_hour integer
    )`.execute(db);

  // Readers add up one city's pending changes through this index, so the (constantly emptied, after a
  // bulk load possibly large) heap is never read whole.
  await sql`create index reports_change_organisation on reports_change (organisation_id)`.execute(db);

  // district_key is the district's id, 0 for "outside every district" (keys cannot be null)
  await sql`
    create table reports_map_cell (
      organisation_id integer not null,
      level smallint not null,
      cy integer not null,
      cx integer not null,
      category_id integer not null,
      district_key integer not null,
      is_open boolean not null,
      n integer not null,
      sum_lat double precision not null,
      sum_lng double precision not null,
      sum_id bigint not null,
      primary key (organisation_id, level, cy, cx, category_id, district_key, is_open)
    )`.execute(db);
  await sql`
    create table reports_status_count (
      organisation_id integer not null,
      category_id integer not null,
      district_key integer not null,
      status text not null,
      n integer not null,
      primary key (organisation_id, category_id, district_key, status)
    )`.execute(db);
  await sql`
    create table reports_resolution_hour (
      organisation_id integer not null,
      hour integer not null,
      n integer not null,
      primary key (organisation_id, hour)
    )`.execute(db);

  // The exact median reads this index from the start of one hour onwards (see statistics.ts).
  await sql`
    create index reports_report_resolution on reports_report (organisation_id, (extract(epoch from closed_at - created_at)))
    where status = 'fixed' and hidden_at is null and closed_at is not null`.execute(db);

  // One row per report whose public figures change: -1 for its old state, +1 for its new one.
  await sql`
    create function reports_record_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        insert into reports_change (organisation_id, report_id, n, category_id, district_id, status, is_open, cx, cy, lat, lng, resolution_hour)
        select r.organisation_id, r.id, 1, r.category_id, r.district_id, r.status, r.is_open, r.tile_x >> 2, r.tile_y >> 2, r.lat, r.lng,
          case when r.status = 'fixed' and r.closed_at is not null then floor(extract(epoch from r.closed_at - r.created_at) / 3600)::integer end
        from new_rows r where r.hidden_at is null;
      elsif tg_op = 'DELETE' then
        insert into reports_change (organisation_id, report_id, n, category_id, district_id, status, is_open, cx, cy, lat, lng, resolution_hour)
        select r.organisation_id, r.id, -1, r.category_id, r.district_id, r.status, r.is_open, r.tile_x >> 2, r.tile_y >> 2, r.lat, r.lng,
          case when r.status = 'fixed' and r.closed_at is not null then floor(extract(epoch from r.closed_at - r.created_at) / 3600)::integer end
        from old_rows r where r.hidden_at is null;
      else
        with changed as (
          select o.id from old_rows o join new_rows w on w.id = o.id
          where (o.organisation_id, o.category_id, o.district_id, o.status, o.hidden_at is null, o.tile_x, o.tile_y, o.lat, o.lng, o.created_at, o.closed_at)
            is distinct from (w.organisation_id, w.category_id, w.district_id, w.status, w.hidden_at is null, w.tile_x, w.tile_y, w.lat, w.lng, w.created_at, w.closed_at)
        )
        insert into reports_change (organisation_id, report_id, n, category_id, district_id, status, is_open, cx, cy, lat, lng, resolution_hour)
        select r.organisation_id, r.id, -1, r.category_id, r.district_id, r.status, r.is_open, r.tile_x >> 2, r.tile_y >> 2, r.lat, r.lng,
          case when r.status = 'fixed' and r.closed_at is not null then floor(extract(epoch from r.closed_at - r.created_at) / 3600)::integer end
        from old_rows r where r.hidden_at is null and r.id in (select id from changed)
        union all
        select r.organisation_id, r.id, 1, r.category_id, r.district_id, r.status, r.is_open, r.tile_x >> 2, r.tile_y >> 2, r.lat, r.lng,
          case when r.status = 'fixed' and r.closed_at is not null then floor(extract(epoch from r.closed_at - r.created_at) / 3600)::integer end
        from new_rows r where r.hidden_at is null and r.id in (select id from changed);
      end if;
      return null;
    end
    $$`.execute(db);
  // A trigger with transition tables has one event each (a PostgreSQL rule).
  await sql`create trigger reports_report_changes_insert after insert on reports_report referencing new table as new_rows for each statement execute function reports_record_change()`.execute(
    db,
  );
  await sql`create trigger reports_report_changes_update after update on reports_report referencing old table as old_rows new table as new_rows for each statement execute function reports_record_change()`.execute(
    db,
  );
  await sql`create trigger reports_report_changes_delete after delete on reports_report referencing old table as old_rows for each statement execute function reports_record_change()`.execute(
    db,
  );

  // Moves every pending change into the counters, atomically; one fold at a time (others return 0).
  await sql`
    create function reports_fold_changes() returns integer language plpgsql as $$
    declare
      folded integer;
    begin
      if not pg_try_advisory_xact_lock(hashtext('reports_fold_changes')) then
        return 0;
      end if;
      with d as (
        delete from reports_change returning *
      ), cells as (
        insert into reports_map_cell as c (organisation_id, level, cy, cx, category_id, district_key, is_open, n, sum_lat, sum_lng, sum_id)
        select d.organisation_id, l.level, d.cy >> (l.level - 2), d.cx >> (l.level - 2), d.category_id, coalesce(d.district_id, 0), d.is_open,
          sum(d.n), sum(d.n * d.lat), sum(d.n * d.lng), sum(d.n * d.report_id)
        from d cross join generate_series(2, 8) as l (level)
        group by 1, 2, 3, 4, 5, 6, 7
        order by 1, 2, 3, 4, 5, 6, 7
        on conflict (organisation_id, level, cy, cx, category_id, district_key, is_open) do update set
          n = c.n + excluded.n,
          sum_lat = case when c.n + excluded.n = 0 then 0 else c.sum_lat + excluded.sum_lat end,
          sum_lng = case when c.n + excluded.n = 0 then 0 else c.sum_lng + excluded.sum_lng end,
          sum_id = c.sum_id + excluded.sum_id
      ), statuses as (
        insert into reports_status_count as c (organisation_id, category_id, district_key, status, n)
        select d.organisation_id, d.category_id, coalesce(d.district_id, 0), d.status, sum(d.n)
        from d group by 1, 2, 3, 4 order by 1, 2, 3, 4
        on conflict (organisation_id, category_id, district_key, status) do update set n = c.n + excluded.n
      ), hours as (
        insert into reports_resolution_hour as c (organisation_id, hour, n)
        select d.organisation_id, d.resolution_hour, sum(d.n)
        from d where d.resolution_hour is not null group by 1, 2 order by 1, 2
        on conflict (organisation_id, hour) do update set n = c.n + excluded.n
      )
      select count(*) into folded from d;
      return folded;
    end
    $$`.execute(db);

  // Intake keeps a city's categories, questions, routing rules and districts in memory; this number
  // changes with any write to them, and the statement that stores a report checks it, so a report is
  // never validated or routed against configuration that has changed since (see submit-report.ts).
  await sql`create table reports_intake_version (id boolean primary key default true check (id), version bigint not null)`.execute(
    db,
  );
  await sql`insert into reports_intake_version (version) values (1)`.execute(db);
  await sql`
    create function reports_bump_intake_version() returns trigger language plpgsql as $$
    begin
      update reports_intake_version set version = version + 1;
      return null;
    end
    $$`.execute(db);
  for (const table of ['reports_category', 'reports_question', 'reports_routing_rule', 'places_district']) {
    await sql`create trigger ${sql.raw(`${table}_intake_version`)} after insert or update or delete or truncate on ${sql.table(table)} for each statement execute function reports_bump_intake_version()`.execute(
      db,
    );
  }

  // Intake's write, in one call (one round trip, one commit, plans prepared once per connection): the
  // intake configuration it was checked against is still current and the API key is not revoked;
  // then the report and its first history line. Says which check failed, or gives the new report's id.
  await sql`
    create function reports_submit(
      p_version bigint, p_api_key_id integer, p_organisation_id integer, p_category_id integer, p_department_id integer, p_district_id integer, p_description text,
      p_lat double precision, p_lng double precision, p_tile_x integer, p_tile_y integer, p_address text, p_answers jsonb,
      p_author_id integer, p_author_name text, p_author_email text, p_show_name boolean, p_source text, p_report_api_key_id integer,
      p_token text, p_now timestamptz, p_deadline timestamptz, p_details jsonb,
      out fresh boolean, out admitted boolean, out new_id bigint
    ) language plpgsql as $$
    begin
      fresh := (select version = p_version from reports_intake_version);
      admitted := false;
      if not fresh then return; end if;
      if p_api_key_id is not null and not exists (select 1 from core_api_key where id = p_api_key_id and revoked_at is null) then return; end if;
      admitted := true;
      insert into reports_report (organisation_id, category_id, department_id, district_id, description, lat, lng, tile_x, tile_y, address, answers,
        author_id, author_name, author_email, show_name, source, api_key_id, token, created_at, deadline_at, updated_at)
      values (p_organisation_id, p_category_id, p_department_id, p_district_id, p_description, p_lat, p_lng, p_tile_x, p_tile_y, p_address, p_answers,
        p_author_id, p_author_name, p_author_email, p_show_name, p_source, p_report_api_key_id, p_token, p_now, p_deadline, p_now)
      returning id into new_id;
      insert into reports_update (organisation_id, report_id, kind, author_id, status_to, details)
      values (p_organisation_id, new_id, 'created', p_author_id, 'new', p_details);
    end
    $$`.execute(db);

  // The triggers exist (and lock the table against writes until this migration commits) before the
  // counters are filled from the reports already stored, so no report is missed or counted twice.
  await sql`
    insert into reports_change (organisation_id, report_id, n, category_id, district_id, status, is_open, cx, cy, lat, lng, resolution_hour)
    select r.organisation_id, r.id, 1, r.category_id, r.district_id, r.status, r.is_open, r.tile_x >> 2, r.tile_y >> 2, r.lat, r.lng,
      case when r.status = 'fixed' and r.closed_at is not null then floor(extract(epoch from r.closed_at - r.created_at) / 3600)::integer end
    from reports_report r where r.hidden_at is null`.execute(db);
  await sql`select reports_fold_changes()`.execute(db);
}
