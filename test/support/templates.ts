import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/*
 * Test files share migrated (and demo-seeded) databases instead of each migrating and seeding its own:
 * the first test server of a run builds the database as usual and keeps a copy — a PGlite dump in a
 * temporary folder, or a PostgreSQL template database — and every later server starts from a copy of
 * it. A copy is keyed by a hash of the sources (src/ and the lock file), so a change to a migration or
 * to the demo city builds a new one. The copy holds what a fresh start would: nothing a test did.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const FOLDER = path.join(tmpdir(), 'ic-test-templates');
const WAIT_MS = 240_000;

let sourceKey: string | undefined;
/** The dumps this process has read: a test file that starts several servers reads each once. */
const dumps = new Map<string, ArrayBuffer>();

/**
 * A dump as the Blob PGlite's `loadDataDir` reads: PGlite only calls `arrayBuffer()` on it, and Node's own
 * Blob copies 70 MB through a stream for that (0.6 s of CPU per test server, measured), so the bytes read
 * once are handed over as they are.
 */
function dumpBlob(buffer: ArrayBuffer): Blob {
  return { type: 'application/x-tar', size: buffer.byteLength, arrayBuffer: async () => buffer } as unknown as Blob;
}

/** The bytes of a file in an ArrayBuffer of their own (PGlite only reads them). */
function readDump(file: string): ArrayBuffer {
  const bytes = readFileSync(file);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer
    : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/** A short hash of every file under src/ and of package-lock.json. */
function sourcesHash(): string {
  if (sourceKey) return sourceKey;
  const hash = createHash('sha256');
  const files = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .map((file) => path.join('src', file))
    .filter((file) => statSync(path.join(ROOT, file)).isFile())
    .sort();
  for (const file of [...files, 'package-lock.json']) {
    hash.update(file);
    hash.update(readFileSync(path.join(ROOT, file)));
  }
  sourceKey = hash.digest('hex').slice(0, 16);
  return sourceKey;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The PGlite dump for this kind of start, or — when none exists yet and this process is the first to
 * ask — `keep`, to call with the dump once the database is built. Another process building it is waited for.
 */
export async function pgliteTemplate(
  kind: string,
): Promise<{ dump: Blob } | { keep: (dump: Blob | undefined) => Promise<void> } | undefined> {
  mkdirSync(FOLDER, { recursive: true });
  const file = path.join(FOLDER, `${sourcesHash()}-${kind}.tar`);
  const lock = `${file}.building`;
  const started = Date.now();
  while (Date.now() - started < WAIT_MS) {
    if (existsSync(file)) {
      const bytes = dumps.get(file) ?? readDump(file);
      dumps.set(file, bytes);
      return { dump: dumpBlob(bytes) };
    }
    try {
      mkdirSync(lock);
    } catch {
      // another process builds it; a lock left by a process that died is taken over after a while
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > WAIT_MS) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
      continue;
    }
    return {
      async keep(dump) {
        try {
          if (!dump) return;
          const partial = `${file}.${process.pid}.partial`;
          writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
          renameSync(partial, file);
        } finally {
          rmSync(lock, { recursive: true, force: true });
        }
      },
    };
  }
  return undefined;
}

/**
 * A new PostgreSQL database for one test server, copied from the template for this kind of start;
 * the template is built first (by `build`, under an advisory lock, so one process builds it) when
 * missing. Templates of older sources are dropped then.
 */
export async function postgresFromTemplate(
  serverUrl: string,
  kind: string,
  name: string,
  build: (url: string) => Promise<void>,
): Promise<void> {
  const template = `ic_template_${sourcesHash()}_${kind}`;
  const urlOf = (database: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock(hashtext($1))', [template]);
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [template]);
      if (rowCount === 0) {
        const building = `${template}_building`;
        await admin.query(`drop database if exists ${building} with (force)`);
        await admin.query(`create database ${building}`);
        await build(urlOf(building));
        await admin.query(`alter database ${building} rename to ${template}`);
        const old = await admin.query<{ datname: string }>(
          `select datname from pg_database where datname like 'ic\\_template\\_%' and datname not like $1`,
          [`ic\\_template\\_${sourcesHash()}\\_%`],
        );
        for (const row of old.rows) await admin.query(`drop database if exists ${row.datname} with (force)`);
      }
    } finally {
      await admin.query('select pg_advisory_unlock(hashtext($1))', [template]);
    }
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
}
