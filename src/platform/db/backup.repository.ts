import { sql } from 'kysely';
import type { Db, Tx } from './database.ts';

/** The tables the migrator keeps for itself: a restore writes them by migrating, never by copying. */
export const MIGRATOR_TABLES = ['core_migration', 'core_migration_lock'];

export interface TableShape {
  name: string;
  /** Columns a row is written with: generated columns are left out, the target computes them. */
  columns: string[];
}

/** The names of the migrations applied to a database, in name order; none when it was never migrated. */
export async function appliedMigrations(db: Db | Tx): Promise<string[]> {
  const exists = await sql<{
    found: boolean;
  }>`select to_regclass('public.core_migration') is not null as found`.execute(db);
  if (!exists.rows[0]?.found) return [];
  const rows = await sql<{ name: string }>`select name from core_migration order by name`.execute(db);
  return rows.rows.map((row) => row.name);
}

/** The tables of the public schema (without the migrator's), parents before the tables that refer to them. */
export async function listTables(db: Db | Tx): Promise<TableShape[]> {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`.execute(db);
  const columns = await sql<{ table: string; column: string }>`
    select c.relname as table, a.attname as column
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    order by c.relname, a.attnum`.execute(db);
  const references = await sql<{ child: string; parent: string }>`
    select c.relname as child, p.relname as parent
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = 'public' and k.conrelid <> k.confrelid`.execute(db);
  const names = tables.rows.map((row) => row.name).filter((name) => !MIGRATOR_TABLES.includes(name));
  const parents = new Map<string, string[]>(names.map((name) => [name, []]));
  for (const { child, parent } of references.rows) parents.get(child)?.push(parent);
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    if (ordered.includes(name) || visiting.has(name)) return; // a cycle: the restore defers the checks
    visiting.add(name);
    for (const parent of parents.get(name) ?? []) visit(parent);
    visiting.delete(name);
    ordered.push(name);
  };
  names.forEach(visit);
  return ordered.map((name) => ({
    name,
    columns: columns.rows.filter((row) => row.table === name).map((row) => row.column),
  }));
}

/** Opens the snapshot a backup reads: every table as of one moment, nothing written meanwhile counts. */
export async function beginSnapshot(tx: Tx): Promise<void> {
  await sql`set transaction read only`.execute(tx);
}

/**
 * One page of a table's rows as JSON texts (row_to_json: each value in PostgreSQL's own text form, bytea as
 * hex), after the row at `after` (a ctid; stable inside the snapshot), in physical order.
 */
export async function readRows(
  tx: Tx,
  table: string,
  after: string | undefined,
  limit: number,
): Promise<{ ctid: string; json: string }[]> {
  const rows = await sql<{ ctid: string; json: string }>`
    select t.ctid::text as ctid, row_to_json(t)::text as json from ${sql.table(table)} t
    where ${after === undefined ? sql`true` : sql`t.ctid > ${after}::tid`}
    order by t.ctid limit ${limit}`.execute(tx);
  return rows.rows;
}

/** Every sequence of the public schema with the value it stands at (null: never used). */
export async function readSequences(db: Db | Tx): Promise<{ name: string; value: number | null }[]> {
  const rows = await sql<{ name: string; value: number | null }>`
    select sequencename as name, last_value as value from pg_sequences
    where schemaname = 'public' order by sequencename`.execute(db);
  return rows.rows;
}

/** How many rows each table holds. */
export async function countRows(db: Db | Tx, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const result = await sql<{ count: number }>`select count(*)::int as count from ${sql.table(table)}`.execute(db);
    counts[table] = result.rows[0]?.count ?? 0;
  }
  return counts;
}

/** Whether the public schema holds any table: a restore or a move refuses a database already in use. */
export async function hasTables(db: Db): Promise<boolean> {
  const result = await sql<{ count: number }>`
    select count(*)::int as count from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')`.execute(db);
  return (result.rows[0]?.count ?? 0) > 0;
}

/** Removes every table, view and sequence of the public schema (a restore with --force). */
export async function dropPublicSchema(db: Db): Promise<void> {
  await sql`drop schema public cascade`.execute(db);
  await sql`create schema public`.execute(db);
}

/**
 * Prepares a restore: rows a migration seeded are removed (the backup brings its own), and triggers and
 * foreign-key checks are off for this session where the role may (superuser, or PostgreSQL 15's
 * `GRANT SET ON PARAMETER session_replication_role`); otherwise tables are loaded parents first.
 */
export async function prepareLoad(tx: Tx, tables: string[]): Promise<{ checksOff: boolean }> {
  if (tables.length > 0) {
    await sql`truncate table ${sql.join(tables.map((table) => sql.table(table)))} cascade`.execute(tx);
  }
  try {
    await sql`savepoint replication_role`.execute(tx);
    await sql`set local session_replication_role = replica`.execute(tx);
    await sql`release savepoint replication_role`.execute(tx);
    return { checksOff: true };
  } catch {
    await sql`rollback to savepoint replication_role`.execute(tx);
    return { checksOff: false };
  }
}

/** Writes rows (JSON texts as readRows gives them) into a table of the same shape, ids kept. */
export async function insertRows(tx: Tx, table: TableShape, rows: string[]): Promise<void> {
  const columns = sql.join(table.columns.map((column) => sql.id(column)));
  await sql`
    insert into ${sql.table(table.name)} (${columns}) overriding system value
    select ${columns} from json_populate_recordset(null::${sql.table(table.name)}, ${`[${rows.join(',')}]`}::json)`.execute(
    tx,
  );
}

/**
 * Sets each sequence to where the backup had it, and never below the largest value of a column it feeds,
 * so the next insert takes a new id.
 */
export async function restoreSequences(tx: Tx, sequences: { name: string; value: number | null }[]): Promise<void> {
  const owners = await sql<{ sequence: string; table: string; column: string }>`
    select s.relname as sequence, t.relname as table, a.attname as column
    from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
    join pg_class t on t.oid = d.refobjid join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
    join pg_namespace n on n.oid = s.relnamespace
    where n.nspname = 'public' and d.deptype in ('a', 'i')`.execute(tx);
  const saved = new Map(sequences.map((sequence) => [sequence.name, sequence.value]));
  const current = await readSequences(tx);
  for (const { name } of current) {
    const owner = owners.rows.find((row) => row.sequence === name);
    const largest = owner
      ? ((
          await sql<{
            value: number | null;
          }>`select max(${sql.ref(owner.column)})::bigint as value from ${sql.table(owner.table)}`.execute(tx)
        ).rows[0]?.value ?? null)
      : null;
    const value = Math.max(saved.get(name) ?? 0, largest ?? 0);
    if (value > 0) await sql`select setval(${name}::regclass, ${value}, true)`.execute(tx);
  }
}
