import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { countRows, listTables } from '../../src/platform/db/backup.repository.ts';
import { openDatabase, type Db } from '../../src/platform/db/database.ts';
import { startTestServer } from './server.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** The PostgreSQL server the operations tests create their scratch databases on. */
export const POSTGRES_SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A data folder holding the demo city (from the tests' shared template), as `npm start` would leave it, and
 * the SECRET_KEY its sealed data was written with.
 */
export async function demoDataFolder(dataDir: string): Promise<{ secretKey: string }> {
  // the PGlite template even in a PostgreSQL run: this is the embedded folder an installation starts with
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  const server = await startTestServer({ demo: true }).finally(() => {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  });
  const dump = await server.dumpDatabase();
  const secretKey = server.config.secretKey;
  await server.close();
  if (!dump) throw new Error('no PGlite dump');
  const handle = await openDatabase({ dataDir, initialData: dump });
  await handle.close();
  return { secretKey };
}

/** Runs `npm run <script> -- args` and answers its exit code and output. */
export function npmRun(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn('npm', ['run', '-s', script, '--', ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** Every table's row count, and a fingerprint of the photos' bytes, of a folder or a PostgreSQL database. */
export async function contentsOf(target: { dataDir?: string; databaseUrl?: string }): Promise<{
  counts: Record<string, number>;
  photos: string;
}> {
  const handle = await openDatabase(target);
  try {
    return await contentsOfDb(handle.db);
  } finally {
    await handle.close();
  }
}

export async function contentsOfDb(db: Db): Promise<{ counts: Record<string, number>; photos: string }> {
  const counts = await countRows(
    db,
    (await listTables(db)).map((table) => table.name),
  );
  const photos = await sql<{ digest: string | null }>`
    select md5(string_agg(id::text || ':' || md5(data), ',' order by id)) as digest from reports_photo`.execute(db);
  return { counts, photos: photos.rows[0]?.digest ?? '' };
}
