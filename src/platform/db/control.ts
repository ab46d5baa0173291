import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { appliedMigrations } from './backup.repository.ts';
import { writeBackup } from './backup.ts';
import type { Db } from './database.ts';

/**
 * The local channel through which the commands reach a server that runs on the embedded database. The
 * server holds the data folder (two processes on one PGlite folder corrupt it), so `npm run backup` and
 * `npm run migrate -- --status` ask the server itself, over a Unix socket in the data folder, readable by
 * the folder's owner only: whoever may read the socket may read the folder anyway. Nothing listens on a
 * network port. Requests are one line: `backup` (answered with the backup stream) or `migrations` (the
 * applied migrations as JSON).
 */
export const CONTROL_SOCKET = 'control.sock';

/** Files of the data folder a backup carries besides the database. */
export function dataFolderFiles(dataDir: string): Record<string, string> {
  const secret = path.join(dataDir, 'secret.key');
  return existsSync(secret) ? { 'secret.key': readFileSync(secret, 'utf8') } : {};
}

export async function startControlSocket(
  dataDir: string,
  db: Db,
  log: Logger,
): Promise<{ close(): Promise<void> } | undefined> {
  const file = path.join(dataDir, CONTROL_SOCKET);
  if (Buffer.byteLength(file) > 100) {
    log.warn({ file }, 'the data folder path is too long for a control socket: stop the server to back it up');
    return undefined;
  }
  rmSync(file, { force: true }); // left by a server that died; this one holds the folder lock
  const server: Server = createServer((socket) => {
    let request = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      request += chunk;
      if (!request.includes('\n')) return;
      socket.removeAllListeners('data');
      void answer(request.trim(), socket).catch((error: unknown) => {
        log.error({ err: error }, 'control request failed');
        socket.destroy();
      });
    });
  });
  const answer = async (command: string, socket: Writable): Promise<void> => {
    if (command === 'backup') {
      log.info('backup requested over the control socket');
      const summary = await writeBackup(db, socket, { source: 'pglite', files: dataFolderFiles(dataDir) });
      log.info({ tables: Object.keys(summary.counts).length }, 'backup written');
    } else if (command === 'migrations') {
      socket.end(JSON.stringify(await appliedMigrations(db)));
    } else socket.end(JSON.stringify({ error: `unknown request ${command}` }));
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  chmodSync(file, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(file, { force: true });
      }),
  };
}

/** Sends one request to the server holding `dataDir` and pipes its answer into `out`. */
export function askServer(dataDir: string, command: 'backup' | 'migrations', out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path.join(dataDir, CONTROL_SOCKET));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${command}\n`));
    let ended = false;
    socket.once('end', () => (ended = true));
    socket.once('close', () => {
      if (!ended) reject(new Error('the server closed the connection before the answer was complete'));
    });
    socket.pipe(out);
    out.once('finish', () => resolve());
    out.once('error', reject);
  });
}
