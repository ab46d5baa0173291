import { sql, type Kysely } from 'kysely';

/**
 * Phases begin and end at midnight in the city's time zone. Staff give a phase's first and last day;
 * it starts when its first day starts and ends (exclusively) when the day after its last day starts,
 * both in the city's time zone. Phases saved before were set at midnight UTC, which in a city east of
 * Greenwich is already the next day, so their last day was shown one day late; they are moved to the
 * city's midnight of the same date. A boundary that moving would carry across the present moment is
 * left as it is, so no phase opens or closes again because of this migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const moved = (column: 'starts_at' | 'ends_at') => {
    const value = sql.ref(`ph.${column}`);
    const cityMidnight = sql`((${value} at time zone 'UTC')::date::timestamp at time zone o.time_zone)`;
    return sql`case when ${value} is not null and (${value} at time zone 'UTC')::time = time '00:00'
      and (${value} <= now()) = (${cityMidnight} <= now()) then ${cityMidnight} else ${value} end`;
  };
  await sql`update participation_phase ph set starts_at = ${moved('starts_at')}, ends_at = ${moved('ends_at')}
    from core_organisation o where o.id = ph.organisation_id`.execute(db);
}
