import type { Migration } from 'kysely';
import * as core from './20261123_0001_core.ts';
import * as apiKeyScopes from './20261123_0700_api_key_scopes.ts';
import * as signInNetworks from './20261207_0500_sign_in_networks.ts';
import * as mailHeaders from './20261207_0510_mail_headers.ts';
import * as organisationPublicUrl from './20261215_2100_core_organisation_public_url.ts';
import * as installation from './20261215_2110_core_installation.ts';
import * as mailHtml from './20261216_0600_core_mail_html.ts';
import * as apiKeyQuota from './20261217_0400_core_api_key_quota.ts';
import * as event from './20261217_0300_core_event.ts';
import * as installationAdmin from './20261218_0200_core_installation_admin.ts';
import * as organisationMapTiles from './20261218_0210_core_organisation_map_tiles.ts';

/** The platform's own migrations; modules list theirs in their manifests. */
export const platformMigrations: Record<string, Migration> = {
  '20261123_0001_core': core,
  '20261123_0700_api_key_scopes': apiKeyScopes,
  '20261207_0500_sign_in_networks': signInNetworks,
  '20261207_0510_mail_headers': mailHeaders,
  '20261215_2100_core_organisation_public_url': organisationPublicUrl,
  '20261215_2110_core_installation': installation,
  '20261216_0600_core_mail_html': mailHtml,
  '20261217_0300_core_event': event,
  '20261217_0400_core_api_key_quota': apiKeyQuota,
  '20261218_0200_core_installation_admin': installationAdmin,
  '20261218_0210_core_organisation_map_tiles': organisationMapTiles,
};
