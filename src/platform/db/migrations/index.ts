import type { Migration } from 'kysely';
import * as core from './20261123_0001_core.ts';

/** The platform's own migrations; modules list theirs in their manifests. */
export const platformMigrations: Record<string, Migration> = {
  '20261123_0001_core': core,
};
