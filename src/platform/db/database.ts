import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { preparingPool } from './prepared.ts';
import { WriteWatch } from './write-watch.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type Executor = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  /** Tells listeners when a statement sent through `db` wrote a table (the page cache listens). */
  writes: WriteWatch;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for logs: a folder or a URL without its password. */
  location: string;
  /**
   * Runs `work` while no other server or command of this installation runs its own: on PostgreSQL under a
   * session advisory lock held on a connection of its own (servers starting together on an empty database
   * apply the migrations and create the first city once, and the others wait for it to be complete). On
   * PGlite the data-folder lock already keeps every other process out.
   */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  /** PGlite only: the whole data folder as a tarball, to open again with `initialData` (tests share a migrated database). */
  dump?(): Promise<Blob>;
  close(): Promise<void>;
}

/** The advisory lock key of the start (migrations, first city): "ic" and "start" in ASCII, arbitrary but fixed. */
const START_LOCK: [number, number] = [0x6963, 0x7374_6172];

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Opens the database the configuration names: PostgreSQL when a URL is given, otherwise PGlite in a
 * folder (or in memory when `dataDir` is undefined, for tests). Both speak the same SQL.
 */
export async function openDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number;
  /** PGlite only: start from this dump of a data folder (see DatabaseHandle.dump) instead of an empty database. */
  initialData?: Blob | undefined;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    // Counts, bigserial ids and numerics arrive as JS numbers, as they do from PGlite below.
    const types = new pg.TypeOverrides();
    types.setTypeParser(INT8, (value) => Number(value));
    types.setTypeParser(NUMERIC, (value) => Number(value));
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, types });
    // An idle connection the server closes (restart, failover, a dropped database) must not crash the
    // process: the pool drops it and opens another on the next query.
    pool.on('error', (error) => {
      process.emitWarning(`PostgreSQL closed an idle connection: ${error.message}`);
    });
    // Queries marked with PREPARED_MARKER run as named prepared statements (see prepared.ts).
    const writes = new WriteWatch();
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }), plugins: [writes] });
    await sql`select 1`.execute(db);
    const url = new URL(options.databaseUrl);
    url.password = '';
    const connectionString = options.databaseUrl;
    return {
      db,
      writes,
      kind: 'postgres',
      location: url.toString(),
      async exclusively(work) {
        const client = new pg.Client({ connectionString });
        await client.connect();
        try {
          await client.query('select pg_advisory_lock($1, $2)', START_LOCK);
          return await work();
        } finally {
          // closing the session releases the lock even when the unlock itself fails
          await client.query('select pg_advisory_unlock($1, $2)', START_LOCK).catch(() => {});
          await client.end().catch(() => {});
        }
      },
      close: () => db.destroy(),
    };
  }

  const folder = options.dataDir ? path.join(options.dataDir, 'pgdata') : undefined;
  if (folder) mkdirSync(folder, { recursive: true });
  const pglite = await PGlite.create({
    ...(folder ? { dataDir: folder } : {}),
    // The extensions migrations may create; PostgreSQL ships them in its contrib package.
    extensions: { btree_gin, cube, earthdistance, pg_trgm, unaccent },
    ...(options.initialData ? { loadDataDir: options.initialData } : {}),
    parsers: { [INT8]: (value: string) => Number(value), [NUMERIC]: (value: string) => Number(value) },
  });
  const writes = new WriteWatch();
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), plugins: [writes] });
  return {
    db,
    writes,
    kind: 'pglite',
    location: folder ?? 'memory',
    exclusively: (work) => work(),
    // a checkpoint first, so a database started from the dump has no log to replay
    dump: async () => {
      await pglite.exec('checkpoint');
      return pglite.dumpDataDir('none');
    },
    close: () => db.destroy(),
  };
}

/** Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws. */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}
