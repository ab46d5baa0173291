import { sql } from 'kysely';
import type { Db } from './database.ts';

/**
 * Planner statistics on the embedded database. PostgreSQL's autovacuum keeps every table's statistics
 * fresh and clears dead rows; PGlite runs no autovacuum, so without this a table that grew from a few
 * rows to thousands keeps the planner's idea that it is empty, and a list that takes 0.1 s after
 * `ANALYZE` takes 10 s — and so on a PostgreSQL server whose autovacuum is turned off. `refreshStatistics`
 * does what autovacuum would, with autovacuum's own default thresholds, for the tables that need it; the
 * platform runs it on a schedule and soon after bulk changes wherever autovacuum does not run.
 */

/** autovacuum_analyze_threshold and autovacuum_analyze_scale_factor's defaults. */
const ANALYZE_BASE = 50;
const ANALYZE_SCALE = 0.1;
/** autovacuum_vacuum_threshold and autovacuum_vacuum_scale_factor's defaults. */
const VACUUM_BASE = 50;
const VACUUM_SCALE = 0.2;

export interface StatisticsRefresh {
  analysed: string[];
  vacuumed: string[];
  ms: number;
}

interface TableActivity {
  schema: string;
  table: string;
  modified: number;
  dead: number;
  rows: number;
}

/** The tables whose changes since their last analysis (or dead rows) pass autovacuum's thresholds. */
export async function staleTables(db: Db): Promise<{ analyse: TableActivity[]; vacuum: TableActivity[] }> {
  // Counters reach the statistics views when the backend reports them (at most once a second);
  // ask for the pending ones now so that what this session just wrote is counted.
  await sql`select pg_stat_force_next_flush()`.execute(db);
  const { rows } = await sql<TableActivity>`
    select s.schemaname as schema, s.relname as "table", s.n_mod_since_analyze::float8 as modified,
           s.n_dead_tup::float8 as dead, greatest(c.reltuples, 0)::float8 as rows
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid
     where s.schemaname = 'public'
     order by s.relname`.execute(db);
  return {
    analyse: rows.filter((row) => row.modified > ANALYZE_BASE + ANALYZE_SCALE * row.rows),
    vacuum: rows.filter((row) => row.dead > VACUUM_BASE + VACUUM_SCALE * row.rows),
  };
}

/** Whether the database keeps its own statistics: PostgreSQL with autovacuum on (its default); never PGlite. */
export async function autovacuumRuns(db: Db, kind: 'pglite' | 'postgres'): Promise<boolean> {
  if (kind === 'pglite') return false;
  const { rows } = await sql<{ autovacuum: string }>`show autovacuum`.execute(db);
  return rows[0]?.autovacuum === 'on';
}

/**
 * Vacuums the tables with many dead rows and analyses the ones that changed enough, as autovacuum
 * would; the platform runs it where autovacuum does not (PGlite, or a PostgreSQL server with it off).
 * Returns what it did.
 */
export async function refreshStatistics(db: Db): Promise<StatisticsRefresh> {
  const started = performance.now();
  const done: StatisticsRefresh = { analysed: [], vacuumed: [], ms: 0 };
  const { analyse, vacuum } = await staleTables(db);
  const vacuumed = new Set(vacuum.map((row) => row.table));
  for (const row of vacuum) {
    await sql`vacuum (analyze) ${sql.id(row.schema, row.table)}`.execute(db);
    done.vacuumed.push(row.table);
  }
  for (const row of analyse) {
    if (vacuumed.has(row.table)) continue;
    await sql`analyze ${sql.id(row.schema, row.table)}`.execute(db);
    done.analysed.push(row.table);
  }
  done.ms = performance.now() - started;
  return done;
}
