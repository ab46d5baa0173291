import { sql, type Kysely } from 'kysely';

/**
 * The city's code of conduct and privacy notice, one row per published version (a version is never
 * changed: publishing writes the next one), and which version of each a person accepted. Version 0 is
 * the platform's standard text, which is not stored; an account without an acceptance row accepted it
 * when it signed up.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table legal_text (
      id serial primary key,
      organisation_id integer not null references core_organisation(id),
      kind text not null check (kind in ('privacy', 'conduct')),
      version integer not null check (version >= 1),
      body jsonb not null,
      published_by integer references core_user(id) on delete set null,
      published_at timestamptz not null default now(),
      unique (organisation_id, kind, version)
    )`.execute(db);
  await sql`
    create table legal_acceptance (
      user_id integer not null references core_user(id) on delete cascade,
      organisation_id integer not null references core_organisation(id),
      kind text not null check (kind in ('privacy', 'conduct')),
      version integer not null check (version >= 0),
      accepted_at timestamptz not null default now(),
      primary key (user_id, kind, version)
    )`.execute(db);
}
