import type { ModuleManifest } from '../../platform/module.ts';
import * as fediverseMigration from './migrations/20261216_0500_fediverse.ts';
import './fediverse.schema.ts';

export const fediverseModule: ModuleManifest = {
  name: 'fediverse',
  migrations: { '20261216_0500_fediverse': fediverseMigration },
};
