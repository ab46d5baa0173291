import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The workplace's shared data (recorded Open311 responses, sentiment sets…), which must not be
 * committed: `SHARED_DATA_DIR` when set, else `../shared/data` beside the clone, else the workplace's
 * `/work/shared/data` (a fresh clone in a temporary folder, as CI makes). Throws when none exists, so
 * a test that needs it fails loudly instead of skipping.
 */
export function sharedDataDir(subfolder: string): string {
  const candidates = [
    process.env.SHARED_DATA_DIR,
    path.resolve(import.meta.dirname, '../../../shared/data'),
    '/work/shared/data',
  ].filter((candidate): candidate is string => Boolean(candidate));
  for (const candidate of candidates) {
    const folder = path.join(candidate, subfolder);
    if (existsSync(folder)) return folder;
  }
  throw new Error(
    `Shared test data "${subfolder}" not found in ${candidates.join(', ')}. Set SHARED_DATA_DIR to the folder holding it.`,
  );
}
