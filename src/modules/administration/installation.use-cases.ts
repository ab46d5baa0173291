import type { Viewer } from '../../platform/auth/users.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isTileTemplate, type Config } from '../../platform/config.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/database.ts';
import type { MapTiles } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import type { FirstStep } from '../../platform/module.ts';
import type { Organisation } from '../../platform/organisations/organisations.ts';
import { cityUrl } from '../../platform/organisations/urls.ts';
import { cityMapSettings } from '../../platform/web/street-map.ts';
import { authorizeAdministration } from './administration.policy.ts';

/** A city as the installation's page lists it: its addresses and the map settings its pages use. */
export interface InstallationCity {
  organisation: Organisation;
  /** The address its links use (its own, else derived from PUBLIC_URL). */
  url: string;
  /** Whether the operator set that address (`--url`, `city-url`). */
  urlSet: boolean;
  /** The street map its pages show: its own tiles, or the installation's. */
  map: Config['map'];
  ownTiles: boolean;
}

/** The installation's cities, for its administrators. */
export async function listInstallationCities(ctx: AppContext, viewer: Viewer | null): Promise<InstallationCity[]> {
  authorizeAdministration(viewer, 'run-installation');
  return (await ctx.organisations.findAll()).map((organisation) => ({
    organisation,
    url: cityUrl(ctx.config, organisation).origin,
    urlSet: organisation.publicUrl !== null,
    map: cityMapSettings(ctx.config.map, organisation),
    ownTiles: organisation.tiles !== null,
  }));
}

/** One city of the installation, for its map settings form. */
export async function findInstallationCity(
  ctx: AppContext,
  viewer: Viewer | null,
  id: number,
): Promise<InstallationCity> {
  const city = (await listInstallationCities(ctx, viewer)).find((one) => one.organisation.id === id);
  if (!city) throw new AppError('CITY_NOT_FOUND');
  return city;
}

export interface MapTilesInput {
  tileUrl: string;
  attribution: string;
  maxZoom: string;
}

export type MapTilesProblem = 'MAP_TILE_URL_INVALID' | 'MAP_ATTRIBUTION_INVALID' | 'MAP_MAX_ZOOM_INVALID';

/**
 * Sets a city's own street map tiles (an https URL template with {z}, {x} and {y}, the provider's credit, the
 * deepest zoom), or clears them with an empty URL and credit so the city uses the installation's. The city's
 * pages draw their map from them and its Content-Security-Policy allows that tile host only.
 */
export async function updateCityMapTiles(
  ctx: AppContext,
  viewer: Viewer | null,
  id: number,
  input: MapTilesInput,
): Promise<
  | { ok: true; organisation: Organisation }
  | { ok: false; code: 'VALIDATION_FAILED'; fields: Record<string, MapTilesProblem> }
> {
  const { organisation } = await findInstallationCity(ctx, viewer, id);
  const tileUrl = input.tileUrl.trim();
  const attribution = input.attribution.trim();
  const zoomText = input.maxZoom.trim();
  let tiles: MapTiles | null = null;
  if (tileUrl || attribution) {
    const fields: Record<string, MapTilesProblem> = {};
    if (!tileUrl.startsWith('https://') || !isTileTemplate(tileUrl) || tileUrl.length > 500)
      fields.tileUrl = 'MAP_TILE_URL_INVALID';
    if (!attribution || attribution.length > 300) fields.attribution = 'MAP_ATTRIBUTION_INVALID';
    const maxZoom = /^\d{1,2}$/.test(zoomText) ? Number(zoomText) : Number.NaN;
    if (!(maxZoom >= 1 && maxZoom <= 22)) fields.maxZoom = 'MAP_MAX_ZOOM_INVALID';
    if (Object.keys(fields).length > 0) return { ok: false, code: 'VALIDATION_FAILED', fields };
    tiles = { tileUrl, attribution, maxZoom };
  }
  const updated = await inTransaction(ctx.db, async (tx) => {
    const result = await ctx.organisations.update(organisation.id, { tiles }, tx);
    await recordAudit(tx, {
      organisationId: organisation.id,
      actor: { id: viewer?.id ?? null, label: `${viewer?.displayName ?? ''} (installation)` },
      action: 'organisation.map_tiles',
      subjectType: 'organisation',
      subjectId: organisation.id,
      before: { tiles: organisation.tiles },
      after: { tiles },
    });
    return result;
  });
  return { ok: true, organisation: updated };
}

/** A step of the first-run checklist with its state in this city. */
export interface FirstStepState {
  step: FirstStep;
  done: boolean;
}

/** The city's first-run checklist: each module's steps, checked against the city's data now. */
export async function cityFirstSteps(
  ctx: AppContext,
  viewer: Viewer | null,
  organisation: Organisation,
): Promise<FirstStepState[]> {
  authorizeAdministration(viewer, 'manage-city');
  return Promise.all(
    ctx.registry.firstSteps.map(async (step) => ({ step, done: await step.done(ctx, organisation.id) })),
  );
}
