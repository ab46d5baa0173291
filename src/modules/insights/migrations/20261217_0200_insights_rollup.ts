import { sql, type Kysely } from 'kysely';

/**
 * The daily rollups the staff dashboard reads, so that its cost does not grow with the number of reports
 * and messages. One row per city, source (`reports`: reports by the day they were made; `inbox`:
 * conversations by the day of their first message), day in the city's time zone and dimension values
 * (0 or '' for none). They are kept up to date by the `insights.rollup` job, which recomputes only the days
 * whose reports or conversations changed since its last run (`insights_rollup_state.watermark`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table insights_daily (
      organisation_id integer not null references core_organisation(id),
      source text not null check (source in ('reports', 'inbox')),
      day date not null,
      department_id integer not null default 0,
      district_id integer not null default 0,
      channel text not null default '',
      language text not null default '',
      items integer not null default 0,
      done integer not null default 0,
      done_hours double precision not null default 0,
      responded integer not null default 0,
      response_hours double precision not null default 0,
      with_goal integer not null default 0,
      in_goal integer not null default 0,
      answers integer not null default 0,
      same_channel integer not null default 0,
      primary key (organisation_id, source, day, department_id, district_id, channel, language)
    )`.execute(db);
  await sql`
    create table insights_rollup_state (
      organisation_id integer not null references core_organisation(id),
      source text not null,
      watermark timestamptz not null,
      goal_hours integer,
      rolled_at timestamptz not null default now(),
      primary key (organisation_id, source)
    )`.execute(db);
}
