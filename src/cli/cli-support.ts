import { MODULES } from '../main.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.ts';
import { lockDataFolder } from '../platform/db/lock.ts';
import { platformMigrations } from '../platform/db/migrations/index.ts';
import { migrate } from '../platform/db/migrator.ts';
import { collectMigrations } from '../platform/module.ts';
import { OrganisationRepository, type Organisation } from '../platform/organisations/organisations.ts';

export interface CliDatabase extends DatabaseHandle {
  config: Config;
}

/**
 * Opens the configured database for a command-line task, with migrations applied. On PGlite it takes
 * the data-folder lock first, so a command never writes to the folder of a running server.
 */
export async function openDatabaseForCli(): Promise<CliDatabase> {
  const result = loadConfig();
  if (!result.ok) {
    console.error(`The configuration is not valid:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(1);
  }
  const { config } = result;
  const lock = config.databaseUrl ? undefined : lockDataFolder(config.dataDir);
  if (lock && 'heldBy' in lock) {
    console.error(
      `A server (process ${lock.heldBy}) is using ${config.dataDir}. Stop it first: two processes on one PGlite folder corrupt it.`,
    );
    process.exit(1);
  }
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  await handle.exclusively(() => migrate(handle.db, collectMigrations(platformMigrations, MODULES)));
  return {
    ...handle,
    config,
    async close() {
      await handle.close();
      lock?.release();
    },
  };
}

/** The value after a `--name` option, if given. */
export function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

/** The city a command works on: `--org SLUG`, else the default one; prints why when there is none. */
export async function chooseCity(database: CliDatabase, slug: string | undefined): Promise<Organisation | undefined> {
  const all = await new OrganisationRepository(database.db).findAll();
  const organisation = slug ? all.find((o) => o.slug === slug) : (all.find((o) => o.isDefault) ?? all[0]);
  if (!organisation) {
    console.error(
      slug
        ? `No city with the slug "${slug}". Cities: ${all.map((o) => o.slug).join(', ') || 'none (start the server once)'}`
        : 'No city yet: start the server once first.',
    );
  }
  return organisation;
}
