import { Migrator, type Migration } from 'kysely';
import type { Db } from './database.ts';

/**
 * Applies every pending migration, platform's and modules', in the order of their timestamped names.
 * Each runs in its own transaction; a failure stops the server before it accepts any request.
 */
export async function migrate(db: Db, migrations: Record<string, Migration>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
    migrationTableName: 'core_migration',
    migrationLockTableName: 'core_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).map((result) => result.migrationName);
}
