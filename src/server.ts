import { buildPlatform } from './main.ts';
import { loadConfig } from './platform/config.ts';
import { startControlSocket } from './platform/db/control.ts';
import { lockDataFolder } from './platform/db/lock.ts';
import { createLogger } from './platform/logger.ts';
import { StartRefused } from './platform/secret-key.ts';

/** Starts the server: validate the configuration, lock the data folder, build, listen, stop cleanly. */
async function start(): Promise<void> {
  const result = loadConfig();
  if (!result.ok) {
    console.error(
      `Interactive City cannot start. Fix the configuration:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    process.exit(1);
  }
  const { config } = result;
  const log = createLogger(config);
  const args = process.argv.slice(2);

  // PGlite keeps its files in the data folder and does not lock them: two processes would corrupt it.
  const lock = config.databaseUrl ? undefined : lockDataFolder(config.dataDir);
  if (lock && 'heldBy' in lock) {
    console.error(
      `Interactive City cannot start: another server (process ${lock.heldBy}) is using the data folder ${config.dataDir}.\n` +
        'Stop that server first, or start this one with another DATA_DIR.',
    );
    process.exit(1);
  }

  // Signals count from the first moment: one that arrives while the platform is built stops it once built.
  let stopRequest: string | undefined;
  let stop = (reason: string): void => {
    stopRequest ??= reason;
    log.info({ reason }, 'stopping once the start is complete');
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  watchNpmParent(() => stop('npm exited'));

  let platform;
  try {
    platform = await buildPlatform(config, { demo: !args.includes('--no-demo'), log });
  } catch (error) {
    if (error instanceof StartRefused) console.error(`Interactive City cannot start: ${error.message}`);
    else log.fatal({ err: error }, 'start failed');
    lock?.release();
    process.exit(1);
  }

  // on the embedded database, backups and the migration status are asked of this process (see control.ts)
  const control = lock ? await startControlSocket(config.dataDir, platform.ctx.db, log) : undefined;
  let stopping = false;
  const built = platform;
  stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'stopping: finishing requests in flight');
    const force = setTimeout(() => {
      log.error('requests did not finish within 20 s; exiting');
      lock?.release();
      process.exit(1);
    }, 20_000);
    force.unref();
    void Promise.resolve(control?.close())
      .then(() => built.close())
      .then(
        () => log.info('stopped cleanly'),
        (error: unknown) => log.error({ err: error }, 'stopping failed'),
      )
      .finally(() => {
        lock?.release();
        process.exit(0);
      });
  };
  if (stopRequest) {
    stop(stopRequest);
    return;
  }

  await platform.app.listen({ port: config.port, host: config.host });
  log.info(`Interactive City is ready at ${config.publicUrl.toString()}`);
}

/**
 * Under `npm start` the server's parent is npm. npm passes SIGTERM and SIGINT on, but when npm itself is killed
 * (SIGKILL, or SIGHUP from a closed terminal, which npm does not pass on) the server would keep running as an
 * orphan that no one started on purpose. So a server started by an npm script stops when its parent goes away.
 * Started directly (systemd, a container, `node src/server.ts`), it does not watch its parent.
 */
function watchNpmParent(onGone: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, 500);
  timer.unref();
}

await start();
