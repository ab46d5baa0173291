import { sql, type Kysely } from 'kysely';

/**
 * The event outbox (platform/events.ts): one row per fact a module announces (a report created, results
 * published), written in the transaction of the change itself. `tx` is the writing transaction's id, so
 * a reader takes rows in (tx, id) order only from transactions that have all ended (below the snapshot's
 * xmin) and never skips a row committed late by a transaction that began earlier.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table core_event (
      id bigserial primary key,
      organisation_id integer not null references core_organisation(id),
      type text not null,
      data jsonb not null,
      occurred_at timestamptz not null default now(),
      tx xid8 not null default pg_current_xact_id()
    )`.execute(db);
  await sql`create index core_event_order on core_event (organisation_id, tx, id)`.execute(db);
  await sql`create index core_event_occurred on core_event (occurred_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table core_event`.execute(db);
}
