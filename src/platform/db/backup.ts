import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { Migration } from 'kysely';
import type { Db } from './database.ts';
import {
  appliedMigrations,
  beginSnapshot,
  countRows,
  insertRows,
  listTables,
  prepareLoad,
  readRows,
  readSequences,
  restoreSequences,
  type TableShape,
} from './backup.repository.ts';
import { migrate } from './migrator.ts';

/**
 * The backup format, one for PostgreSQL and the embedded database alike, so that a backup of either restores
 * into either (and the move from PGlite to PostgreSQL is a backup restored elsewhere): gzip of text lines,
 *
 *   H{"format":"interactive-city-backup","version":1,"createdAt":…,"source":"pglite","migrations":[…],"files":{…}}
 *   T{"table":"reports_report","columns":[…]}      then one line per row of that table:
 *   R{…row_to_json of the row…}                      values in PostgreSQL's text form (bytea as hex: the photos)
 *   E{"counts":{"reports_report":123,…},"sequences":[{"name":…,"value":…}]}
 *
 * Every table is read in one read-only repeatable-read transaction, so the backup is one moment of the
 * database while the server keeps running (on PGlite that transaction holds its only connection: requests
 * wait while the backup is read). `files` carries the data folder's `secret.key` when there is one.
 */
export const BACKUP_FORMAT = 'interactive-city-backup';
const ROWS_PER_PAGE = 200;
/** Rows are written to the target in batches of at most this many rows or bytes of JSON. */
const BATCH_ROWS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  source: 'pglite' | 'postgres';
  migrations: string[];
  files: Record<string, string>;
}

export interface BackupSummary {
  migrations: string[];
  counts: Record<string, number>;
}

/** Writes a consistent backup of `db` to `out` (gzip), and answers what it holds. */
export async function writeBackup(
  db: Db,
  out: Writable,
  options: { source: BackupHeader['source']; files?: Record<string, string> },
): Promise<BackupSummary> {
  const gzip = createGzip();
  gzip.pipe(out);
  const finished = once(out, 'finish');
  const write = async (line: string): Promise<void> => {
    if (!gzip.write(line + '\n')) await once(gzip, 'drain');
  };
  const summary = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      await beginSnapshot(tx);
      const migrations = await appliedMigrations(tx);
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: 1,
        createdAt: new Date().toISOString(),
        source: options.source,
        migrations,
        files: options.files ?? {},
      };
      await write('H' + JSON.stringify(header));
      const counts: Record<string, number> = {};
      for (const table of await listTables(tx)) {
        await write('T' + JSON.stringify({ table: table.name, columns: table.columns }));
        let after: string | undefined;
        let count = 0;
        for (;;) {
          const page = await readRows(tx, table.name, after, ROWS_PER_PAGE);
          for (const row of page) await write('R' + row.json);
          count += page.length;
          if (page.length < ROWS_PER_PAGE) break;
          after = page[page.length - 1]?.ctid;
        }
        counts[table.name] = count;
      }
      await write('E' + JSON.stringify({ counts, sequences: await readSequences(tx) }));
      return { migrations, counts };
    });
  gzip.end();
  await finished;
  return summary;
}

/** The lines of a backup file or stream, the header checked. */
async function* backupLines(input: Readable): AsyncGenerator<string> {
  const lines = createInterface({ input: input.pipe(createGunzip()), crlfDelay: Infinity });
  yield* lines;
}

export class BackupError extends Error {}

function parseHeader(line: string | undefined): BackupHeader {
  if (!line?.startsWith('H')) throw new BackupError('This is not a backup of Interactive City (no header line).');
  const header = JSON.parse(line.slice(1)) as Partial<Record<keyof BackupHeader, unknown>>;
  if (header.format !== BACKUP_FORMAT || header.version !== 1) {
    throw new BackupError(`Unknown backup format ${String(header.format)} version ${String(header.version)}.`);
  }
  return header as BackupHeader;
}

/** Reads a backup file through to its end line, checking each table's row count: a cut-off file is refused. */
export async function verifyBackup(file: string): Promise<BackupHeader & { counts: Record<string, number> }> {
  let header: BackupHeader | undefined;
  const seen: Record<string, number> = {};
  let table = '';
  for await (const line of backupLines(createReadStream(file))) {
    if (!header) header = parseHeader(line);
    else if (line.startsWith('R')) seen[table] = (seen[table] ?? 0) + 1;
    else if (line.startsWith('T')) seen[(table = (JSON.parse(line.slice(1)) as { table: string }).table)] = 0;
    else if (line.startsWith('E')) {
      const { counts } = JSON.parse(line.slice(1)) as { counts: Record<string, number> };
      const wrong = Object.keys(counts).filter((name) => counts[name] !== seen[name]);
      if (wrong.length > 0) throw new BackupError(`The backup's row counts do not match for ${wrong.join(', ')}.`);
      return { ...header, counts };
    }
  }
  throw new BackupError('The backup is incomplete: it ends before its last line.');
}

/** Reads only the header of a backup file. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  for await (const line of backupLines(createReadStream(file))) return parseHeader(line);
  throw new BackupError('The backup file is empty.');
}

/**
 * Restores a backup into `db`, which must hold no tables: migrates it to exactly the backup's migrations,
 * loads every row in one transaction, sets the sequences, and checks each table's count against the
 * backup's before committing. The server's next start applies the migrations written since.
 */
export async function restoreBackup(
  db: Db,
  input: Readable,
  allMigrations: Record<string, Migration>,
): Promise<BackupHeader & { counts: Record<string, number> }> {
  const lines = backupLines(input)[Symbol.asyncIterator]();
  const header = parseHeader((await lines.next()).value as string | undefined);
  const unknown = header.migrations.filter((name) => !allMigrations[name]);
  if (unknown.length > 0) {
    throw new BackupError(
      `The backup was written by a newer version of Interactive City (migrations ${unknown.join(', ')} are unknown here): upgrade first.`,
    );
  }
  await migrate(db, Object.fromEntries(header.migrations.map((name) => [name, allMigrations[name] as Migration])));
  const counts = await db.transaction().execute(async (tx) => {
    const shapes = new Map((await listTables(tx)).map((shape) => [shape.name, shape]));
    await prepareLoad(tx, [...shapes.keys()]);
    let table: TableShape | undefined;
    let batch: string[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (table && batch.length > 0) await insertRows(tx, table, batch);
      batch = [];
      bytes = 0;
    };
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      const line = next.value;
      if (line.startsWith('R')) {
        batch.push(line.slice(1));
        bytes += line.length;
        if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
      } else if (line.startsWith('T')) {
        await flush();
        const name = (JSON.parse(line.slice(1)) as { table: string }).table;
        table = shapes.get(name);
        if (!table) throw new BackupError(`The backup has a table ${name} that this version does not have.`);
      } else if (line.startsWith('E')) {
        await flush();
        const end = JSON.parse(line.slice(1)) as {
          counts: Record<string, number>;
          sequences: { name: string; value: number | null }[];
        };
        await restoreSequences(tx, end.sequences);
        const loaded = await countRows(tx, Object.keys(end.counts));
        const wrong = Object.keys(end.counts).filter((name) => loaded[name] !== end.counts[name]);
        if (wrong.length > 0) {
          throw new BackupError(
            `Row counts differ after loading (${wrong.map((name) => `${name}: ${loaded[name]} of ${end.counts[name]}`).join(', ')}); nothing was restored.`,
          );
        }
        return end.counts;
      }
    }
    throw new BackupError('The backup is incomplete: it ends before its last line; nothing was restored.');
  });
  return { ...header, counts };
}
