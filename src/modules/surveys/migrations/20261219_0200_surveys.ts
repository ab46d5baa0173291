import { sql, type Kysely } from 'kysely';

/**
 * Surveys: a questionnaire of a city (alone or inside a participatory process), its questions in order,
 * their choices (options, and the rows of a matrix), the responses and their answers.
 *
 * Anonymity: a response of an anonymous survey has no user column set, a random (uuid) id instead of a
 * counter and only the day it was given, so neither its id nor its time orders it beside the
 * `surveys_participant` row that keeps one response per person. That row is written in the same
 * transaction; its primary key (survey, user) is the "one response per eligible person" rule.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table surveys_survey (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      process_id integer references participation_process(id) on delete cascade,
      title jsonb not null,
      description jsonb not null default '{}',
      anonymous boolean not null default true,
      results_public boolean not null default false,
      eligibility_level text not null default 'email' check (eligibility_level in ('email', 'verified')),
      published boolean not null default false,
      opens_at timestamptz,
      closes_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (closes_at is null or opens_at is null or closes_at > opens_at)
    )`.execute(db);
  await sql`create index surveys_survey_organisation on surveys_survey (organisation_id, id)`.execute(db);

  await sql`
    create table surveys_question (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      survey_id integer not null references surveys_survey(id) on delete cascade,
      position integer not null,
      kind text not null check (kind in ('single', 'multiple', 'ranking', 'matrix', 'short_text', 'long_text', 'number', 'date')),
      title jsonb not null,
      description jsonb not null default '{}',
      required boolean not null default false,
      min_choices integer check (min_choices between 0 and 100),
      max_choices integer check (max_choices between 1 and 100),
      min_value double precision,
      max_value double precision,
      condition_question_id integer references surveys_question(id) on delete set null,
      condition_choice_id integer
    )`.execute(db);
  await sql`create index surveys_question_survey on surveys_question (survey_id, position)`.execute(db);

  await sql`
    create table surveys_choice (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      question_id integer not null references surveys_question(id) on delete cascade,
      role text not null default 'option' check (role in ('option', 'row')),
      position integer not null,
      label jsonb not null
    )`.execute(db);
  await sql`create index surveys_choice_question on surveys_choice (question_id, role, position)`.execute(db);

  await sql`
    create table surveys_response (
      id uuid primary key,
      organisation_id integer not null references core_organisation(id),
      survey_id integer not null references surveys_survey(id) on delete cascade,
      user_id integer references core_user(id) on delete set null,
      answered_on date not null
    )`.execute(db);
  await sql`create index surveys_response_survey on surveys_response (survey_id)`.execute(db);
  await sql`create index surveys_response_user on surveys_response (user_id) where user_id is not null`.execute(db);

  await sql`
    create table surveys_answer (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      response_id uuid not null references surveys_response(id) on delete cascade,
      question_id integer not null references surveys_question(id) on delete cascade,
      choice_id integer references surveys_choice(id) on delete cascade,
      row_id integer references surveys_choice(id) on delete cascade,
      rank integer,
      text_value text check (length(text_value) <= 5000),
      number_value double precision,
      date_value date
    )`.execute(db);
  await sql`create index surveys_answer_question on surveys_answer (question_id)`.execute(db);
  await sql`create index surveys_answer_response on surveys_answer (response_id)`.execute(db);

  await sql`
    create table surveys_participant (
      organisation_id integer not null references core_organisation(id),
      survey_id integer not null references surveys_survey(id) on delete cascade,
      user_id integer not null references core_user(id) on delete cascade,
      primary key (survey_id, user_id)
    )`.execute(db);
  await sql`create index surveys_participant_user on surveys_participant (user_id)`.execute(db);
}
