import { sql, type Kysely } from 'kysely';

/**
 * A meeting's iCalendar SEQUENCE: it grows with each change staff save, so a calendar that subscribed to the
 * meeting (or its process, or the city's meetings) replaces the event instead of keeping the old time or place.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table participation_meeting add column sequence integer not null default 0`.execute(db);
}
