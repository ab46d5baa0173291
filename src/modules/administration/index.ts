import type { ModuleManifest } from '../../platform/module.ts';

/** Administration: the city's settings, departments, users and roles, audit log, outbox and API keys. */
export const administrationModule: ModuleManifest = {
  name: 'administration',
};
