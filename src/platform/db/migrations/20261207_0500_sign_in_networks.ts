import { sql, type Kysely } from 'kysely';

/**
 * Sign-in slowing instead of account locks. A lock after five wrong passwords let anyone lock out any
 * account (the mayor's) and told known addresses from unknown ones; failures are now counted per address
 * and per network in `core_rate_limit`, and the networks an account has signed in from are remembered
 * (keyed hashes, never the addresses themselves) so that its owner is never slowed there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table core_sign_in_network (
      organisation_id integer not null references core_organisation(id),
      user_id integer not null references core_user(id) on delete cascade,
      network text not null,
      last_seen_at timestamptz not null default now(),
      primary key (user_id, network)
    )`.execute(db);
  await sql`alter table core_user drop column failed_sign_ins`.execute(db);
  await sql`alter table core_user drop column locked_until`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_user add column failed_sign_ins integer not null default 0`.execute(db);
  await sql`alter table core_user add column locked_until timestamptz`.execute(db);
  await sql`drop table core_sign_in_network`.execute(db);
}
