import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MODULES } from '../main.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import {
  appliedMigrations,
  countRows,
  dropPublicSchema,
  hasTables,
  listTables,
} from '../platform/db/backup.repository.ts';
import { BackupError, readBackupHeader, restoreBackup, verifyBackup, writeBackup } from '../platform/db/backup.ts';
import { askServer, dataFolderFiles } from '../platform/db/control.ts';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.ts';
import { lockDataFolder } from '../platform/db/lock.ts';
import { platformMigrations } from '../platform/db/migrations/index.ts';
import { migrate } from '../platform/db/migrator.ts';
import { collectMigrations } from '../platform/module.ts';
import { option } from './cli-support.ts';

const USAGE = `Usage:
  npm run migrate                                  apply the pending migrations (under the lock the server takes at start)
  npm run migrate -- --status                      list applied and pending migrations per module
  npm run backup -- --out FILE                     write a consistent backup (database rows, photos, sequences,
                                                   the data folder's secret.key), also while the server runs
  npm run restore -- FILE [--into DATA_DIR | --database-url URL] [--force]
                                                   restore into a new data folder or an empty PostgreSQL database
                                                   (default: the configured one); --force replaces what is there
  npm run move-to-postgres -- --to URL             copy the embedded database into an empty PostgreSQL database

The database is the configured one: DATABASE_URL, or the embedded database in DATA_DIR.`;

class CommandError extends Error {}

const allMigrations = () => collectMigrations(platformMigrations, MODULES);

function readConfig(): Config {
  const result = loadConfig();
  if (!result.ok) throw new CommandError(`The configuration is not valid:\n${result.problems.join('\n')}`);
  return result.config;
}

/** Opens a database for a command; an embedded folder is locked first and released on close. */
async function open(target: { databaseUrl?: string; dataDir?: string }): Promise<DatabaseHandle> {
  if (target.databaseUrl) return openDatabase({ databaseUrl: target.databaseUrl, poolSize: 2 });
  const dataDir = target.dataDir as string;
  const lock = lockDataFolder(dataDir);
  if ('heldBy' in lock) {
    throw new CommandError(`A server (process ${lock.heldBy}) is using ${dataDir}. Stop it first.`);
  }
  try {
    const handle = await openDatabase({ dataDir });
    return {
      ...handle,
      close: async () => {
        await handle.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Whether the data folder is held by a running server (whose control socket answers instead). */
function heldByServer(dataDir: string): number | undefined {
  const lock = lockDataFolder(dataDir);
  if ('heldBy' in lock) return lock.heldBy;
  lock.release();
  return undefined;
}

async function status(config: Config): Promise<void> {
  let applied: string[];
  const server = config.databaseUrl ? undefined : heldByServer(config.dataDir);
  if (server !== undefined) {
    let text = '';
    const collect = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    });
    await askServer(config.dataDir, 'migrations', collect);
    applied = JSON.parse(text) as string[];
  } else {
    const handle = await open(config);
    try {
      applied = await appliedMigrations(handle.db);
    } finally {
      await handle.close();
    }
  }
  const owners: [string, string[]][] = [
    ['platform', Object.keys(platformMigrations)],
    ...MODULES.map((module): [string, string[]] => [module.name, Object.keys(module.migrations ?? {})]),
  ];
  const done = new Set(applied);
  let pendingTotal = 0;
  for (const [owner, names] of owners) {
    const pending = names.filter((name) => !done.has(name)).sort();
    pendingTotal += pending.length;
    console.log(
      `${owner.padEnd(18)} ${String(names.length - pending.length).padStart(3)} applied, ${pending.length} pending`,
    );
    for (const name of pending) console.log(`  pending: ${name}`);
  }
  const known = new Set(owners.flatMap(([, names]) => names));
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) console.log(`applied but unknown to this version (a newer one ran): ${unknown.join(', ')}`);
  console.log(pendingTotal === 0 ? 'Up to date.' : `${pendingTotal} pending: npm run migrate (or start the server).`);
}

async function applyMigrations(config: Config): Promise<void> {
  const handle = await open(config);
  try {
    const applied = await handle.exclusively(() => migrate(handle.db, allMigrations()));
    console.log(applied.length === 0 ? 'Nothing to apply.' : `Applied:\n  ${applied.join('\n  ')}`);
  } finally {
    await handle.close();
  }
}

async function backup(config: Config, out: string): Promise<void> {
  const partial = `${out}.partial`;
  const server = config.databaseUrl ? undefined : heldByServer(config.dataDir);
  if (server !== undefined) {
    console.log(`The server (process ${server}) holds ${config.dataDir}: asking it for the backup.`);
    await askServer(config.dataDir, 'backup', createWriteStream(partial));
  } else {
    const handle = await open(config);
    try {
      const files = config.databaseUrl ? {} : dataFolderFiles(config.dataDir);
      const stream = createWriteStream(partial);
      await writeBackup(handle.db, stream, { source: handle.kind, files });
    } finally {
      await handle.close();
    }
  }
  const checked = await verifyBackup(partial);
  renameSync(partial, out);
  const rows = Object.values(checked.counts).reduce((sum, count) => sum + count, 0);
  console.log(
    `Backup written to ${out}: ${Object.keys(checked.counts).length} tables, ${rows} rows, ${checked.migrations.length} migrations` +
      (checked.files['secret.key'] ? ', and the data folder’s secret.key (keep this file as safe as the data).' : '.'),
  );
}

/** Empties the target, or refuses when it holds anything and --force is not given. */
async function prepareTarget(target: { databaseUrl?: string; dataDir?: string }, force: boolean): Promise<void> {
  if (target.databaseUrl) {
    const handle = await openDatabase({ databaseUrl: target.databaseUrl, poolSize: 1 });
    try {
      if (await hasTables(handle.db)) {
        if (!force) throw new CommandError('The target database is not empty. Give --force to replace what it holds.');
        await dropPublicSchema(handle.db);
      }
    } finally {
      await handle.close();
    }
    return;
  }
  const pgdata = path.join(target.dataDir as string, 'pgdata');
  if (existsSync(pgdata) && readdirSync(pgdata).length > 0) {
    if (!force) throw new CommandError(`${target.dataDir} already holds a database. Give --force to replace it.`);
    const held = heldByServer(target.dataDir as string);
    if (held !== undefined) throw new CommandError(`A server (process ${held}) is using ${target.dataDir}.`);
    rmSync(pgdata, { recursive: true, force: true });
  }
}

async function restore(config: Config, file: string, args: string[]): Promise<void> {
  const into = option(args, '--into');
  const databaseUrl = option(args, '--database-url') ?? (into ? undefined : config.databaseUrl);
  const target = databaseUrl ? { databaseUrl } : { dataDir: path.resolve(into ?? config.dataDir) };
  const header = await readBackupHeader(file);
  await prepareTarget(target, args.includes('--force'));
  if (target.dataDir) {
    mkdirSync(target.dataDir, { recursive: true });
    for (const [name, text] of Object.entries(header.files)) {
      writeFileSync(path.join(target.dataDir, name), text, { mode: 0o600 });
    }
  }
  const handle = await open(target);
  try {
    const restored = await handle.exclusively(() => restoreBackup(handle.db, createReadStream(file), allMigrations()));
    const rows = Object.values(restored.counts).reduce((sum, count) => sum + count, 0);
    console.log(
      `Restored ${Object.keys(restored.counts).length} tables, ${rows} rows (backup of ${restored.createdAt}) into ${handle.location}.`,
    );
    if (target.databaseUrl && header.files['secret.key']) {
      console.log('The backup carried the data folder’s secret.key: give the server the same key (SECRET_KEY).');
    }
  } finally {
    await handle.close();
  }
}

async function moveToPostgres(config: Config, to: string): Promise<void> {
  if (config.databaseUrl) throw new CommandError('DATABASE_URL is set: this installation already uses PostgreSQL.');
  const scratch = path.join(tmpdir(), `ic-move-${process.pid}.backup`);
  const target = await openDatabase({ databaseUrl: to, poolSize: 1 });
  try {
    if (await hasTables(target.db)) {
      throw new CommandError('The target database is not empty: give an empty database (createdb city).');
    }
  } finally {
    await target.close();
  }
  const source = await open({ dataDir: config.dataDir });
  let counts: Record<string, number>;
  try {
    await writeBackup(source.db, createWriteStream(scratch), { source: 'pglite' });
    counts = await countRows(
      source.db,
      (await listTables(source.db)).map((table) => table.name),
    );
  } finally {
    await source.close();
  }
  try {
    const target = await openDatabase({ databaseUrl: to, poolSize: 2 });
    try {
      await target.exclusively(() => restoreBackup(target.db, createReadStream(scratch), allMigrations()));
      const moved = await countRows(target.db, Object.keys(counts));
      const wrong = Object.keys(counts).filter((table) => moved[table] !== counts[table]);
      for (const table of Object.keys(counts)) console.log(`${table.padEnd(44)} ${String(moved[table]).padStart(8)}`);
      if (wrong.length > 0) throw new CommandError(`Row counts differ for ${wrong.join(', ')}.`);
    } finally {
      await target.close();
    }
  } finally {
    rmSync(scratch, { force: true });
  }
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  console.log(
    `Moved ${Object.keys(counts).length} tables, ${total} rows; every count matches. Start the server with ` +
      `DATABASE_URL=${redact(to)} and the same SECRET_KEY (or the same DATA_DIR, which keeps secret.key). ` +
      `The embedded database in ${config.dataDir}/pgdata is left as it was.`,
  );
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '…';
  return parsed.toString();
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const config = readConfig();
  const out = option(rest, '--out');
  const to = option(rest, '--to');
  if (command === 'migrate') await (rest.includes('--status') ? status(config) : applyMigrations(config));
  else if (command === 'status') await status(config);
  else if (command === 'backup' && out) await backup(config, path.resolve(out));
  else if (command === 'restore' && rest[0] && !rest[0].startsWith('--')) await restore(config, rest[0], rest.slice(1));
  else if (command === 'move-to-postgres' && to) await moveToPostgres(config, to);
  else {
    console.error(USAGE);
    return 2;
  }
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof CommandError || error instanceof BackupError) console.error(error.message);
  else console.error(error);
  process.exitCode = 1;
}
