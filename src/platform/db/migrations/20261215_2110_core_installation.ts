import { sql, type Kysely } from 'kysely';

/**
 * Facts about the installation as a whole, one row each. `secret_key_check` holds an HMAC of a fixed label
 * under SECRET_KEY, written at the first start, so that a start with another key is refused before it
 * reads census hashes or channel credentials it cannot use.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table core_installation (
      name text primary key,
      value text not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table core_installation`.execute(db);
}
