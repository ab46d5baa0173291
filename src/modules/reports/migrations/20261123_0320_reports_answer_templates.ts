import { sql, type Kysely } from 'kysely';

/**
 * Answer templates: the public answer staff start from when they give a report a status, one per status
 * and language, so a resident reads it in the language they wrote in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reports_answer_template (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      status text not null check (status in ('new', 'confirmed', 'in_progress', 'planned', 'fixed', 'not_responsible', 'duplicate', 'cannot_fix')),
      language text not null,
      body text not null,
      updated_by integer references core_user(id) on delete set null,
      updated_at timestamptz not null default now(),
      unique (organisation_id, status, language)
    )`.execute(db);
}
