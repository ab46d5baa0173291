import { buildPlatform } from './main.ts';
import { loadConfig } from './platform/config.ts';
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

  let platform;
  try {
    platform = await buildPlatform(config, { demo: !args.includes('--no-demo'), log });
  } catch (error) {
    if (error instanceof StartRefused) console.error(`Interactive City cannot start: ${error.message}`);
    else log.fatal({ err: error }, 'start failed');
    lock?.release();
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing requests in flight');
    const force = setTimeout(() => {
      log.error('requests did not finish within 20 s; exiting');
      lock?.release();
      process.exit(1);
    }, 20_000);
    force.unref();
    try {
      await platform.close();
      log.info('stopped cleanly');
    } finally {
      lock?.release();
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await platform.app.listen({ port: config.port, host: config.host });
  log.info(`Interactive City is ready at ${config.publicUrl.toString()}`);
}

await start();
